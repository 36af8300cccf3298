using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nethical.LoadTests.Targets;

/// <summary>
/// A fast OpenAI-compatible upstream on a loopback port: <c>POST /v1/chat/completions</c> answers a fixed completion
/// after <see cref="Latency"/>, or an SSE stream (a few <c>data:</c> chunks, then <c>data: [DONE]</c>) when the body
/// has <c>"stream": true</c>.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private static readonly byte[] s_completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-load","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Here is a short answer from the fake upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":11,"total_tokens":53}}""");

    private static readonly byte[][] s_chunks =
    [
        .. new[] { "Here ", "is ", "a ", "streamed ", "answer." }.Select(static word => Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-load\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n")),
        Encoding.UTF8.GetBytes("data: [DONE]\n\n"),
    ];

    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, Uri address, TimeSpan latency)
    {
        _app = app;
        Address = address;
        Latency = latency;
    }

    public Uri Address { get; }

    public TimeSpan Latency { get; }

    public static async Task<FakeUpstream> StartAsync(TimeSpan latency, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context) => AnswerAsync(context, latency));
        app.MapGet("/healthz", static () => "ok");
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeUpstream(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"), latency);
    }

    private static async Task AnswerAsync(HttpContext context, TimeSpan latency)
    {
        var stream = await WantsStreamAsync(context.Request);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        var response = context.Response;
        if (!stream)
        {
            response.ContentType = "application/json";
            response.ContentLength = s_completion.Length;
            await response.Body.WriteAsync(s_completion, context.RequestAborted);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        foreach (var chunk in s_chunks)
        {
            await response.Body.WriteAsync(chunk, context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Reads the body and finds a top-level <c>"stream": true</c>.</summary>
    internal static async Task<bool> WantsStreamAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return FindStream(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static bool FindStream(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    if (reader.ValueTextEquals("stream"u8))
                    {
                        reader.Read();
                        return reader.TokenType == JsonTokenType.True;
                    }

                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: answer as if not streamed.
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
