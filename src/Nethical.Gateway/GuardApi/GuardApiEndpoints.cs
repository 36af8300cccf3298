using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
using Nethical.Gateway.Screening;
using Nethical.Guard;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;

namespace Nethical.Gateway.GuardApi;

/// <summary>
/// <c>POST /v1/guard/evaluate</c>: screening for apps that cannot route through the proxy.
/// Takes <c>{"format": "openai", "body": {...}}</c> or <c>{"text": "..."}</c>, and an optional <c>"policy"</c> name. Errors
/// are in the OpenAI error shape, like the proxy's on OpenAI routes.
/// </summary>
public static class GuardApiEndpoints
{
    public const string EvaluatePath = "/v1/guard/evaluate";

    public static IEndpointRouteBuilder MapGuardApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ServiceChecks.VerifyRegistered<ScreeningExtensions.ScreeningMarker>(endpoints.ServiceProvider, "AddScreening");
        endpoints.MapPost(EvaluatePath, EvaluateAsync);
        endpoints.MapGet("/healthz", static () => Results.Text("ok", "text/plain"));
        return endpoints;
    }

    private static async Task EvaluateAsync(HttpContext context, IPromptScreener screener, LastValidOptions<ScreeningOptions> options, IOptions<GuardOptions> guard)
    {
        var screening = options.Current;
        if (!CapturedBody.IsJson(context.Request.ContentType))
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.UnsupportedContentType with { Message = "Send the guard request as JSON (Content-Type: application/json)." }).ConfigureAwait(false);
            return;
        }

        using var body = await CapturedBody.CaptureAsync(context.Request, screening.BodyLimits, context.RequestAborted).ConfigureAwait(false);
        if (body.Failure != CaptureFailure.None)
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.For(body.Failure)).ConfigureAwait(false);
            return;
        }

        GuardRequest request;
        try
        {
            request = GuardRequest.Parse(body.Content, guard.Value.MaxJsonDepth);
        }
        catch (GuardRequestException ex)
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest("invalid_guard_request", ex.Message)).ConfigureAwait(false);
            return;
        }
        catch (JsonException)
        {
            // System.Text.Json's messages quote the body; ours do not.
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest("invalid_json", "The guard request is not valid JSON.")).ConfigureAwait(false);
            return;
        }
        catch (PromptExtractionException ex)
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest(ScreeningDecision.CodeOf(ex.Error), ex.Message)).ConfigureAwait(false);
            return;
        }

        ScreeningPolicy? policy = null;
        if (request.Policy is not null && !screening.Policies.TryGetValue(request.Policy, out policy))
        {
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest("unknown_policy", "Unknown policy name.")).ConfigureAwait(false);
            return;
        }

        policy ??= screening.GetPolicy(ScreeningOptions.DefaultPolicyName);
        var screened = request.Text is not null ? ScreeningRequest.ForText(request.Text) : ScreeningRequest.ForBody(request.Body, request.Format);
        var decision = await screener.ScreenAsync(screened, policy, context.RequestAborted).ConfigureAwait(false);
        if (decision.Result is null)
        {
            // The body inside the guard request could not be screened: whatever the policy, the caller is told so.
            await ProviderErrorWriter.WriteAsync(context, ProviderFormat.OpenAi, HttpRefusal.BadRequest(decision.Code!, decision.Message!)).ConfigureAwait(false);
            return;
        }

        await WriteResultAsync(context, decision, policy).ConfigureAwait(false);
    }

    private static async Task WriteResultAsync(HttpContext context, ScreeningDecision decision, ScreeningPolicy policy)
    {
        var result = decision.Result!;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            // What the proxy would do: a degraded result under a fail-closed enforcing policy is refused there, so it is
            // "refused" here too (with "degraded": true), never an allow that a client could act on.
            writer.WriteString("verdict", decision.Verdict);
            writer.WriteString("mode", policy.Mode.ToString());
            writer.WriteNumber("score", Math.Round(result.Score, 4));
            writer.WriteNumber("threshold", policy.BlockThreshold);
            writer.WriteNumber("segments", result.SegmentCount);
            writer.WriteNumber("textLength", result.TextLength);
            writer.WriteNumber("elapsedMicroseconds", Math.Round(result.Elapsed.TotalMicroseconds, 1));
            writer.WriteBoolean("degraded", result.Degraded);
            writer.WriteStartArray("detectors");
            foreach (var verdict in result.Verdicts)
            {
                writer.WriteStartObject();
                writer.WriteString("name", verdict.Detector);
                writer.WriteString("verdict", Verdicts.For(PolicyEvaluator.Decide(policy, verdict.Score)));
                writer.WriteNumber("score", Math.Round(verdict.Score, 4));
                if (verdict.Degraded)
                {
                    writer.WriteBoolean("degraded", true);
                }
                writer.WriteStartArray("reasons");
                foreach (var reason in verdict.Reasons)
                {
                    writer.WriteStringValue(reason);
                }

                writer.WriteEndArray();
                writer.WriteNumber("elapsedMicroseconds", Math.Round(verdict.Elapsed.TotalMicroseconds, 1));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A guard request that parses but says something unusable; the message is safe to return.</summary>
    internal sealed class GuardRequestException(string message) : Exception(message);

    /// <summary>The parsed guard request. <see cref="Body"/> is the raw JSON of the <c>body</c> member.</summary>
    internal readonly record struct GuardRequest(ProviderFormat Format, ReadOnlyMemory<byte> Body, string? Text, string? Policy)
    {
        public static GuardRequest Parse(ReadOnlyMemory<byte> json, int maxDepth)
        {
            if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            {
                throw new PromptExtractionException(ExtractionError.InvalidUtf8, "The request body is not valid UTF-8.");
            }

            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = maxDepth + 2 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GuardRequestException("Expected a JSON object with 'text', or 'format' and 'body'.");
            }

            // A duplicated member would be screened once here and read differently by whoever sent it on.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in root.EnumerateObject())
            {
                if (!seen.Add(member.Name))
                {
                    throw new GuardRequestException("Duplicate member in the guard request.");
                }
            }

            string? policy = root.TryGetProperty("policy", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var hasBody = root.TryGetProperty("body", out var body);
            if (root.TryGetProperty("text", out var text))
            {
                if (hasBody)
                {
                    throw new GuardRequestException("Send either 'text' or 'body', not both.");
                }

                if (text.ValueKind != JsonValueKind.String)
                {
                    throw new GuardRequestException("'text' must be a string.");
                }

                return new GuardRequest(ProviderFormat.Auto, default, text.GetString()!, policy);
            }

            if (!hasBody || body.ValueKind != JsonValueKind.Object)
            {
                throw new GuardRequestException("Expected 'text' (a string) or 'body' (a provider request object).");
            }

            var format = ProviderFormat.Auto;
            if (root.TryGetProperty("format", out var f)
                && (f.ValueKind != JsonValueKind.String || !RouteSettings.TryParseFormat(f.GetString(), out format)))
            {
                throw new GuardRequestException("'format' must be one of openai, anthropic, gemini, ollama, auto.");
            }

            return new GuardRequest(format, System.Text.Encoding.UTF8.GetBytes(body.GetRawText()), null, policy);
        }
    }
}
