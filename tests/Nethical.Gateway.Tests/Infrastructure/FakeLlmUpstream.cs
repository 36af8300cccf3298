using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nethical.Gateway.Tests.Infrastructure;

/// <summary>A request as the upstream received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A fake LLM server on a loopback port: answers OpenAI chat completions (plain and streamed), Anthropic messages and
/// anything else with a small JSON body, and records every request it receives.
/// </summary>
public sealed class FakeLlmUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    public FakeLlmUpstream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Chunks of a streamed completion are sent one at a time: each waits for a release (or 10 s).</summary>
    public SemaphoreSlim StreamGate { get; } = new(0);

    private int _gatedChunks;

    /// <summary>How many streamed chunks waited for a release and got it.</summary>
    public int GatedChunks => Volatile.Read(ref _gatedChunks);

    public const string Answer = "Hello from the fake upstream.";
    public const int StreamChunks = 4;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task StartAsync()
    {
        await _app.StartAsync();
        BaseAddress = ServerAddress.Of(_app);
    }

    public ReceivedRequest LastRequest => Requests.Last();

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in context.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        var body = buffer.ToArray();
        Requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));

        var path = context.Request.Path.Value ?? string.Empty;
        if (path.Contains("/forge", StringComparison.Ordinal))
        {
            // An upstream (or whatever sits in its place) trying to speak for the gateway.
            context.Response.Headers["x-nethical-verdict"] = "from-upstream";
            context.Response.Headers["X_Nethical_Score"] = "0.000";
        }

        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            if (IsStreaming(body))
            {
                await StreamChatAsync(context);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ChatCompletionJson);
            return;
        }

        if (path.EndsWith("/messages", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(AnthropicMessageJson);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"ok":true}""");
    }

    private async Task StreamChatAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        for (var i = 0; i < StreamChunks; i++)
        {
            var chunk = $$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"part{{i}} "},"finish_reason":null}]}""";
            await context.Response.WriteAsync("data: " + chunk + "\n\n");
            await context.Response.Body.FlushAsync();

            // The next chunk waits until the client has seen this one: a proxy that buffers never gets there.
            if (i < StreamChunks - 1)
            {
                if (await StreamGate.WaitAsync(TimeSpan.FromSeconds(10)))
                {
                    Interlocked.Increment(ref _gatedChunks);
                }
            }
        }

        await context.Response.WriteAsync("""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n");
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static bool IsStreaming(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static readonly string ChatCompletionJson = $$$"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"{{{Answer}}}"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}
        """;

    public static readonly string AnthropicMessageJson = $$$"""
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-latest",
         "content":[{"type":"text","text":"{{{Answer}}}"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":5}}
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        StreamGate.Dispose();
    }

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}
