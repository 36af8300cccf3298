using Nethical.Guard.Policy;

namespace Nethical.Gateway.Screening;

// Never log prompt text: a SHA-256 prefix and a length identify a body without disclosing it.
internal static partial class Log
{
    [LoggerMessage(EventId = 100, EventName = "RequestBlocked", Level = LogLevel.Warning,
        Message = "Blocked request on route {RouteId}: score {Score:F3}, reasons {Reasons}, body sha256 {Fingerprint}, {Length} bytes.")]
    public static partial void RequestBlocked(ILogger logger, string routeId, double score, string reasons, string fingerprint, int length);

    [LoggerMessage(EventId = 101, EventName = "RequestFlagged", Level = LogLevel.Information,
        Message = "Flagged request on route {RouteId} (monitor): score {Score:F3}, reasons {Reasons}, body sha256 {Fingerprint}, {Length} bytes.")]
    public static partial void RequestFlagged(ILogger logger, string routeId, double score, string reasons, string fingerprint, int length);

    [LoggerMessage(EventId = 102, EventName = "RequestUnscreenable", Level = LogLevel.Warning,
        Message = "Request on route {RouteId} could not be screened ({Reason}); policy fails {FailureMode}.")]
    public static partial void RequestUnscreenable(ILogger logger, string routeId, string reason, FailureMode failureMode);

    [LoggerMessage(EventId = 103, EventName = "UnknownPolicy", Level = LogLevel.Warning,
        Message = "Route {RouteId} names policy '{PolicyName}', which is not configured; the default policy applies.")]
    public static partial void UnknownPolicy(ILogger logger, string routeId, string policyName);


    [LoggerMessage(EventId = 104, EventName = "RequestScreened", Level = LogLevel.Debug,
        Message = "Screened request on route {RouteId}: {Verdict}, score {Score:F3}, {Segments} segments, {Elapsed} ms.")]
    public static partial void RequestScreened(ILogger logger, string routeId, string verdict, double score, int segments, double elapsed);
}
