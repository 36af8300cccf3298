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
    /// The one <c>x-nethical-*</c> header a client may send: its identity for shadow-AI exceptions. It is read by the
    /// gateway and not forwarded.
    /// </summary>
    public const string ClientIdentity = "x-nethical-client";

    /// <summary>Shadow-AI verdict on an AI request: <c>provider; sanctioned|unsanctioned; action</c>.</summary>
    public const string ShadowAi = "x-nethical-shadow-ai";
}
