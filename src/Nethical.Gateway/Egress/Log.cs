namespace Nethical.Gateway.Egress;

// Never log prompt text, keys or header values: host, port, provider, signals and sizes only.
internal static partial class Log
{
    [LoggerMessage(EventId = 300, EventName = "EgressListening", Level = LogLevel.Information,
        Message = "Egress proxy listening on {EndPoint}.")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 301, EventName = "EgressBlocked", Level = LogLevel.Warning,
        Message = "Blocked {Kind} to {Host}:{Port} from {Client}: provider {Provider}, signals {Signals}.")]
    public static partial void Blocked(ILogger logger, string kind, string host, int port, object? client, string? provider, IReadOnlyList<string> signals);

    [LoggerMessage(EventId = 302, EventName = "EgressFlagged", Level = LogLevel.Information,
        Message = "Flagged {Kind} to {Host}:{Port} from {Client}: provider {Provider}, signals {Signals}.")]
    public static partial void Flagged(ILogger logger, string kind, string host, int port, object? client, string? provider, IReadOnlyList<string> signals);

    [LoggerMessage(EventId = 303, EventName = "EgressDomainFronting", Level = LogLevel.Warning,
        Message = "Closed tunnel to {Host}:{Port} from {Client}: the TLS SNI names {ServerName} (provider {Provider}), which is not sanctioned.")]
    public static partial void DomainFronting(ILogger logger, string host, int port, object? client, string serverName, string? provider);

    [LoggerMessage(EventId = 304, EventName = "EgressBadRequest", Level = LogLevel.Debug,
        Message = "Refused a proxy request from {Client} with {StatusCode}: {Reason}.")]
    public static partial void BadRequest(ILogger logger, object? client, int statusCode, string reason);

    [LoggerMessage(EventId = 305, EventName = "EgressConnectFailed", Level = LogLevel.Information,
        Message = "Could not connect to {Host}:{Port}: {Error}.")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string error);

    [LoggerMessage(EventId = 306, EventName = "EgressTunnelClosed", Level = LogLevel.Debug,
        Message = "Tunnel to {Host}:{Port} closed: {Upstream} bytes up, {Downstream} bytes down.")]
    public static partial void TunnelClosed(ILogger logger, string host, int port, long upstream, long downstream);

    [LoggerMessage(EventId = 307, EventName = "EgressMalformedClientHello", Level = LogLevel.Information,
        Message = "Closed tunnel to {Host}:{Port} from {Client}: the TLS ClientHello could not be read ({Reason}).")]
    public static partial void MalformedClientHello(ILogger logger, string host, int port, object? client, string reason);

    [LoggerMessage(EventId = 308, EventName = "EgressForwardFailed", Level = LogLevel.Information,
        Message = "Forwarding {Method} to {Host}:{Port} failed: {Error}.")]
    public static partial void ForwardFailed(ILogger logger, string method, string host, int port, Yarp.ReverseProxy.Forwarder.ForwarderError error);

    [LoggerMessage(EventId = 309, EventName = "EgressConnectionError", Level = LogLevel.Debug,
        Message = "Egress connection from {Client} ended with an error.")]
    public static partial void ConnectionError(ILogger logger, object? client, Exception exception);

    [LoggerMessage(EventId = 310, EventName = "EgressUninspectedBody", Level = LogLevel.Debug,
        Message = "{Method} to {Host}:{Port}: body larger than {Limit} bytes, decided without it.")]
    public static partial void UninspectedBody(ILogger logger, string method, string host, int port, int limit);

    [LoggerMessage(EventId = 315, EventName = "EgressPromptBlocked", Level = LogLevel.Warning,
        Message = "Blocked a prompt to {Host}:{Port} through egress: score {Score:F2}, reasons {Reasons}.")]
    public static partial void PromptBlocked(ILogger logger, string host, int port, double score, string reasons);
}
