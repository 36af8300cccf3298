using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Screening;
using Nethical.Guard;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Egress;

/// <summary>
/// Prompt screening for AI requests that egress lets through, under the screening policy named by
/// <see cref="EgressOptions.ScreeningPolicy"/>, as the reverse proxy screens them.
/// </summary>
internal sealed class EgressPromptScreening
{
    private readonly PromptScreener _screener;
    private readonly IOptionsMonitor<ScreeningOptions> _screening;
    private readonly AuditLog _audit;
    private readonly EgressOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public EgressPromptScreening(
        PromptScreener screener,
        IOptionsMonitor<ScreeningOptions> screening,
        AuditLog audit,
        IOptions<EgressOptions> options,
        TimeProvider timeProvider,
        ILogger<EgressPromptScreening> logger)
    {
        _screener = screener;
        _screening = screening;
        _audit = audit;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether the policy refuses what it cannot screen (a body too large to read whole then does not go out).</summary>
    public bool IsFailClosed() => PolicyEvaluator.RefusesUnscreened(_screening.CurrentValue.GetPolicy(_options.ScreeningPolicy));

    /// <summary>
    /// Screens the prompt of an AI request egress lets through. Returns false (after answering) when the screening
    /// policy blocks it, or when the body cannot be screened under a fail-closed policy.
    /// </summary>
    public async Task<bool> ScreenPromptAsync(PipeWriter output, OutboundRequest request, ReadOnlyMemory<byte> body, IPAddress? client, CancellationToken cancellationToken)
    {
        var policy = _screening.CurrentValue.GetPolicy(_options.ScreeningPolicy);
        if (policy.Mode == PolicyMode.Off)
        {
            return true;
        }

        ScreeningResult result;
        try
        {
            result = _screener.Screen(body.Span, ProviderFormat.Auto, policy);
        }
        catch (PromptExtractionException)
        {
            if (policy.OnUnscreenable == FailureMode.Open)
            {
                return true;
            }
            await WriteScreeningRefusalAsync(output, StatusCodes.Status400BadRequest, "invalid_json", "Nethical Gateway could not screen this request.", cancellationToken).ConfigureAwait(false);
            return false;
        }
        result = await _screener.CompleteAsync(result, policy, cancellationToken).ConfigureAwait(false);

        var action = PolicyEvaluator.Decide(policy, result.Score);
        var reasons = string.Join(',', result.Reasons);
        if (_audit is { Enabled: true })
        {
            _audit.Record(new AuditRecord(
                _timeProvider.GetUtcNow(),
                "egress/http",
                request.ClientIdentity ?? client?.ToString(),
                action.ToVerdict(),
                result.Score,
                reasons,
                GatewayDiagnostics.Fingerprint(body.Span),
                body.Length,
                result.Elapsed.TotalMilliseconds,
                Activity.Current?.TraceId.ToString(),
                Target: $"{request.Host}:{request.Port}"));
        }
        if (action == PolicyAction.Block)
        {
            Log.PromptBlocked(_logger, request.Host, request.Port, result.Score, reasons);
            await WriteScreeningRefusalAsync(output, StatusCodes.Status400BadRequest, ProviderErrorWriter.PromptInjectionCode,
                "Request blocked by Nethical Gateway: possible prompt injection.", cancellationToken).ConfigureAwait(false);
            return false;
        }
        if (result.Degraded && PolicyEvaluator.RefusesUnscreened(policy))
        {
            await WriteScreeningRefusalAsync(output, StatusCodes.Status503ServiceUnavailable, "screening_degraded",
                "Nethical Gateway could not complete screening in time; retry shortly.", cancellationToken).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    public static async Task WriteScreeningRefusalAsync(PipeWriter output, int status, string code, string message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ProviderErrorWriter.Write(writer, ProviderFormat.OpenAi, status, code, message);
        }
        var reason = status switch
        {
            StatusCodes.Status400BadRequest => "Bad Request",
            StatusCodes.Status413PayloadTooLarge => "Content Too Large",
            _ => "Service Unavailable",
        };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {buffer.WrittenCount}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        byte[] bytes = [.. Encoding.ASCII.GetBytes(head), .. buffer.WrittenSpan];
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
