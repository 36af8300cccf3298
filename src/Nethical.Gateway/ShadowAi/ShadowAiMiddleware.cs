using System.Diagnostics;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
using Nethical.Guard;
using Nethical.Guard.ShadowAi;
using Yarp.ReverseProxy.Model;

namespace Nethical.Gateway.ShadowAi;

/// <summary>
/// Shadow-AI detection in reverse-proxy mode: after load balancing has chosen the destination, the outbound request
/// (destination host, port and scheme, path, headers, client) goes through the same detector as egress traffic. Not AI
/// passes untouched; unsanctioned AI is blocked (403, provider-shaped), or flagged and tagged upstream with
/// <c>x-nethical-shadow-ai</c>; every decision about AI traffic is audited.
/// </summary>
internal sealed partial class ShadowAiMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IShadowAiDetector _detector;
    private readonly LastValidOptions<ShadowAiOptions> _options;
    private readonly ShadowAiMetrics _metrics;
    private readonly AuditLog _audit;
    private readonly ILogger<ShadowAiMiddleware> _logger;

    public ShadowAiMiddleware(
        RequestDelegate next,
        IShadowAiDetector detector,
        LastValidOptions<ShadowAiOptions> options,
        ShadowAiMetrics metrics,
        AuditLog audit,
        ILogger<ShadowAiMiddleware> logger)
    {
        _next = next;
        _detector = detector;
        _options = options;
        _metrics = metrics;
        _audit = audit;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GetReverseProxyFeature();
        var destinations = feature.AvailableDestinations;
        if (destinations.Count != 1 || !Uri.TryCreate(destinations[0].Model.Config.Address, UriKind.Absolute, out var address))
        {
            // No single destination chosen (an empty cluster is YARP's 503 to give): nothing to decide on.
            return _next(context);
        }

        var request = context.Request;
        var identityHeader = _options.Current.IdentityHeader;
        var outbound = new OutboundRequest
        {
            Host = address.IdnHost.TrimEnd('.').ToLowerInvariant(),
            Port = address.Port,
            Scheme = address.Scheme,
            Path = request.Path.Value + request.QueryString.Value,
            Headers = new HeaderDictionaryView(request.Headers),
            ContentType = request.ContentType,
            ClientAddress = context.Connection.RemoteIpAddress,
            ClientIdentity = string.IsNullOrEmpty(identityHeader) ? null : request.Headers[identityHeader].ToString() is { Length: > 0 } id ? id : null,
        };
        // The detector reads the live headers; after it, the identity header goes: the upstream never sees it.
        var verdict = _detector.Evaluate(outbound);
        request.Headers.Remove(NethicalHeaders.ClientIdentity);
        if (!string.IsNullOrEmpty(identityHeader))
        {
            request.Headers.Remove(identityHeader);
        }
        if (!verdict.IsAi)
        {
            return _next(context);
        }

        var route = feature.Route.Config.RouteId;
        _metrics.Decided("reverse", verdict);
        Audit(context, route, outbound.Host, verdict);
        switch (verdict.Action)
        {
            case ShadowAiAction.Block:
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    var signals = string.Join(',', verdict.Signals);
                    LogBlocked(_logger, route, verdict.Provider ?? "unknown", outbound.Host, signals);
                }
                context.Response.Headers[NethicalHeaders.ShadowAi] = Tag(verdict);
                var settings = RouteSettings.For(feature.Route.Config);
                return ProviderErrorWriter.WriteAsync(
                    context,
                    settings.Format,
                    StatusCodes.Status403Forbidden,
                    "shadow_ai_unsanctioned",
                    $"Nethical Gateway: {verdict.Provider ?? "this AI service"} is not sanctioned for this client.");
            case ShadowAiAction.Flag:
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    var signals = string.Join(',', verdict.Signals);
                    LogFlagged(_logger, route, verdict.Provider ?? "unknown", outbound.Host, signals);
                }
                request.Headers[NethicalHeaders.ShadowAi] = Tag(verdict);
                break;
            default:
                request.Headers[NethicalHeaders.ShadowAi] = Tag(verdict);
                break;
        }
        return _next(context);
    }

    private static string Tag(ShadowAiVerdict verdict)
        => $"{verdict.Provider ?? "unknown"}; {(verdict.Sanctioned ? "sanctioned" : "unsanctioned")}; {verdict.Action.ToString().ToLowerInvariant()}";

    private void Audit(HttpContext context, string route, string host, ShadowAiVerdict verdict)
    {
        if (!_audit.Enabled)
        {
            return;
        }
        _audit.Record(route, context.Connection.RemoteIpAddress?.ToString(), Verdicts.For(verdict.Action), verdict.Score,
            string.Join(',', verdict.Signals), body: default, elapsed: TimeSpan.Zero, kind: "shadow_ai", provider: verdict.Provider, target: host);
    }

    [LoggerMessage(EventId = 130, EventName = "ShadowAiBlocked", Level = LogLevel.Warning, Message = "Route {RouteId}: unsanctioned AI {Provider} at {Host} blocked (signals {Signals}).")]
    private static partial void LogBlocked(ILogger logger, string routeId, string provider, string host, string signals);

    [LoggerMessage(EventId = 131, EventName = "ShadowAiFlagged", Level = LogLevel.Information, Message = "Route {RouteId}: unsanctioned AI {Provider} at {Host} flagged (signals {Signals}).")]
    private static partial void LogFlagged(ILogger logger, string routeId, string provider, string host, string signals);
}
