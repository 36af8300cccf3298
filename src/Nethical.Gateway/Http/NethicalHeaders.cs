namespace Nethical.Gateway.Http;

/// <summary>The <c>x-nethical-*</c> headers the gateway sets. Incoming ones are removed: clients cannot forge them.</summary>
public static class NethicalHeaders
{
    public const string Prefix = "x-nethical-";
    public const string Verdict = "x-nethical-verdict";
    public const string Score = "x-nethical-score";
    public const string Reasons = "x-nethical-reasons";
    public const string GuardMilliseconds = "x-nethical-guard-ms";

    /// <summary>
    /// On a request let through without a full screening under a fail-open policy: why tier 2 did not answer
    /// (<c>shed</c>, <c>timeout</c>, <c>circuit_open</c>, <c>stalled</c>, <c>error</c>, <c>truncated</c>); the verdict is
    /// then tier 1's. Always sent upstream; to the client only with <c>ExposeReasonsToClients</c>.
    /// </summary>
    public const string Degraded = "x-nethical-degraded";

    /// <summary>
    /// The one <c>x-nethical-*</c> header a client may send: its identity for shadow-AI exceptions. It is read by the
    /// gateway and not forwarded.
    /// </summary>
    public const string ClientIdentity = "x-nethical-client";

    /// <summary>Shadow-AI verdict on an AI request: <c>provider; sanctioned|unsanctioned; action</c>.</summary>
    public const string ShadowAi = "x-nethical-shadow-ai";
}
