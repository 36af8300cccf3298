using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
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
    private readonly IPromptScreener _screener;
    private readonly LastValidOptions<ScreeningOptions> _screening;
    private readonly AuditLog _audit;
    private readonly EgressOptions _options;
    private readonly ILogger _logger;

    public EgressPromptScreening(
        IPromptScreener screener,
        LastValidOptions<ScreeningOptions> screening,
        AuditLog audit,
        IOptions<EgressOptions> options,
        ILogger<EgressPromptScreening> logger)
    {
        _screener = screener;
        _screening = screening;
        _audit = audit;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Whether the policy refuses what it cannot screen (a body too large to read whole then does not go out).</summary>
    public bool IsFailClosed() => PolicyEvaluator.RefusesUnscreened(_screening.Current.GetPolicy(_options.ScreeningPolicy));

    /// <summary>
    /// Screens the prompt of an AI request egress lets through (<see cref="IPromptScreener.ScreenAsync"/>) and maps the
    /// decision to the raw connection. Returns false (after answering) when the request must not go out.
    /// </summary>
    public async Task<bool> ScreenPromptAsync(PipeWriter output, OutboundRequest request, ReadOnlyMemory<byte> body, IPAddress? client, CancellationToken cancellationToken)
    {
        var policy = _screening.Current.GetPolicy(_options.ScreeningPolicy);
        if (policy.Mode == PolicyMode.Off)
        {
            return true;
        }

        var decision = await _screener.ScreenAsync(ScreeningRequest.ForBody(body, ProviderFormat.Auto), policy, cancellationToken).ConfigureAwait(false);
        var reasons = decision.Result is { } result ? HttpRefusal.JoinReasons(result.Reasons) : decision.Code;
        _audit.Record("egress/http", request.ClientIdentity ?? client?.ToString(), decision.Verdict, decision.Result?.Score, reasons,
            body.Span, decision.Result?.Elapsed ?? TimeSpan.Zero, target: $"{request.Host}:{request.Port}");
        if (decision.Forwards)
        {
            return true;
        }
        if (decision.Outcome == ScreeningOutcome.Block)
        {
            Log.PromptBlocked(_logger, request.Host, request.Port, decision.Score, reasons ?? string.Empty);
        }
        // Egress answers on the client's raw connection, to whatever tool sent it: no rule ids.
        await RawResponse.WriteErrorAsync(output, HttpRefusal.For(decision, exposeReasons: false), cancellationToken).ConfigureAwait(false);
        return false;
    }
}
