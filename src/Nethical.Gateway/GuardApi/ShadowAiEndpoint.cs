using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
using Nethical.Gateway.ShadowAi;
using Nethical.Guard.Extraction;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.GuardApi;

/// <summary>
/// <c>POST /v1/guard/shadow-ai</c>: the shadow-AI detector for callers that are not behind the proxy (a CASB, a SIEM
/// enrichment job). Takes <c>{"url": "https://host/path", "method"?, "headers"?: {"name": "value"}, "body"?: {...},
/// "client"?: "10.0.0.7", "identity"?: "build-bot"}</c> and returns the verdict. Header values are never echoed.
/// </summary>
internal static class ShadowAiEndpoint
{
    public const string Path = "/v1/guard/shadow-ai";
    private const int MaxRequestBytes = 1 << 20;

    /// <summary>At most 1 MiB, as sent and decoded, within 30 seconds: a larger request is refused without buffering it.</summary>
    private static readonly BodyLimits s_limits = new(MaxRequestBytes, MaxRequestBytes, TimeSpan.FromSeconds(30));

    public static IEndpointRouteBuilder MapShadowAiApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ServiceChecks.VerifyRegistered<ShadowAiExtensions.ShadowAiMarker>(endpoints.ServiceProvider, "AddShadowAi");
        endpoints.MapPost(Path, EvaluateAsync);
        return endpoints;
    }

    private static async Task EvaluateAsync(HttpContext context, IShadowAiDetector detector)
    {
        if (!CapturedBody.IsJson(context.Request.ContentType))
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.UnsupportedContentType with { Message = "Send the request as JSON (Content-Type: application/json)." }).ConfigureAwait(false);
            return;
        }

        // The document reads the pooled bytes in place: the captured body lives until the answer is written.
        using var captured = await CapturedBody.CaptureAsync(context.Request, s_limits, context.RequestAborted).ConfigureAwait(false);
        if (captured.Failure != CaptureFailure.None)
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.For(captured.Failure)).ConfigureAwait(false);
            return;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(captured.Content, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest("invalid_json", "The request is not valid JSON.")).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("url", out var urlElement)
                || urlElement.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url)
                || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest("invalid_request", "Expected {\"url\": \"http(s)://host/path\", ...}.")).ConfigureAwait(false);
                return;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var headersElement) && headersElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headersElement.EnumerateObject())
                {
                    headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
                }
            }
            var body = root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null
                ? Encoding.UTF8.GetBytes(bodyElement.ValueKind == JsonValueKind.String ? bodyElement.GetString()! : bodyElement.GetRawText())
                : [];
            IPAddress? client = root.TryGetProperty("client", out var clientElement) && clientElement.ValueKind == JsonValueKind.String
                && IPAddress.TryParse(clientElement.GetString(), out var parsed) ? parsed : null;
            var identity = root.TryGetProperty("identity", out var identityElement) && identityElement.ValueKind == JsonValueKind.String ? identityElement.GetString() : null;

            var verdict = detector.Evaluate(new OutboundRequest
            {
                Host = url.IdnHost.TrimEnd('.').ToLowerInvariant(),
                Port = url.Port,
                Scheme = url.Scheme,
                Path = url.PathAndQuery,
                Headers = headers,
                Body = body,
                ContentType = body.Length > 0 ? "application/json" : null,
                ClientAddress = client,
                ClientIdentity = identity,
            });

            await WriteAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteBoolean("ai", verdict.IsAi);
                w.WriteString("provider", verdict.Provider);
                w.WriteBoolean("sanctioned", verdict.Sanctioned);
                w.WriteString("action", verdict.Action.ToString().ToLowerInvariant());
                w.WriteNumber("score", Math.Round(verdict.Score, 3));
                w.WriteStartArray("signals");
                foreach (var signal in verdict.Signals)
                {
                    w.WriteStringValue(signal);
                }
                w.WriteEndArray();
            }).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
