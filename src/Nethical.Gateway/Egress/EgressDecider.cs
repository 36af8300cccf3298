using System.Diagnostics;
using Nethical.Gateway.Diagnostics;
using Nethical.Guard;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The shadow-AI decision on an outbound request, with its metric, its log line and its audit record (for whatever is
/// not plainly allowed, and for all AI traffic).
/// </summary>
internal sealed class EgressDecider
{
    public const string KindConnect = "connect";
    public const string KindHttp = "http";

    private readonly IShadowAiDetector _detector;
    private readonly EgressMetrics _metrics;
    private readonly AuditLog _audit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public EgressDecider(IShadowAiDetector detector, EgressMetrics metrics, AuditLog audit, TimeProvider timeProvider, ILogger<EgressDecider> logger)
    {
        _detector = detector;
        _metrics = metrics;
        _audit = audit;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public ShadowAiVerdict Decide(string kind, OutboundRequest request)
    {
        var started = _timeProvider.GetTimestamp();
        var verdict = _detector.Evaluate(request);
        var elapsed = _timeProvider.GetElapsedTime(started);
        _metrics.Decided(kind, ShadowAiVerdictTags.From(verdict));
        if (verdict.Action == ShadowAiAction.Block)
        {
            Log.Blocked(_logger, kind, request.Host, request.Port, request.ClientIdentity ?? (object?)request.ClientAddress, verdict.Provider, verdict.Signals);
        }
        else if (verdict.Action == ShadowAiAction.Flag)
        {
            Log.Flagged(_logger, kind, request.Host, request.Port, request.ClientIdentity ?? (object?)request.ClientAddress, verdict.Provider, verdict.Signals);
        }

        if (verdict.Action != ShadowAiAction.Allow || verdict.IsAi)
        {
            Record(kind, request, verdict, request.Body, elapsed);
        }

        return verdict;
    }

    /// <summary>
    /// Judges the server name a tunnel's ClientHello asks for when it differs from the CONNECT host (domain fronting),
    /// and audits it when not allowed.
    /// </summary>
    public ShadowAiVerdict DecideServerName(OutboundRequest request, string serverName)
    {
        var asNamed = request with { Host = serverName };
        var fronted = _detector.Evaluate(asNamed);
        if (fronted.Action != ShadowAiAction.Allow)
        {
            Record(KindConnect, asNamed, fronted, default, TimeSpan.Zero);
        }

        return fronted;
    }

    public static string BlockMessage(ShadowAiVerdict verdict) => $"shadow AI: {verdict.Provider ?? "this AI service"} is not sanctioned";

    private void Record(string kind, OutboundRequest request, ShadowAiVerdict verdict, ReadOnlyMemory<byte> body, TimeSpan elapsed)
    {
        if (!_audit.Enabled)
        {
            return;
        }

        _audit.Record($"egress/{kind}", ClientName(request), Verdicts.For(verdict.Action), verdict.Score, string.Join(',', verdict.Signals),
            body.Span, elapsed, kind: "shadow_ai", provider: verdict.Provider, target: $"{request.Host}:{request.Port}");
    }

    private static string? ClientName(OutboundRequest request) => request.ClientIdentity ?? request.ClientAddress?.ToString();
}
