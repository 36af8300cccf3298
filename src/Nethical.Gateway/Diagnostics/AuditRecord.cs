namespace Nethical.Gateway.Diagnostics;

/// <summary>One decision about one request. Never holds prompt text: a SHA-256 prefix and a length identify the body.</summary>
internal readonly record struct AuditRecord(
    DateTimeOffset Time,
    string Route,
    string? Client,
    string Verdict,
    double? Score,
    string? Reasons,
    string? BodySha256,
    int BodyLength,
    double GuardMilliseconds,
    string? TraceId,
    string Kind = "screening",
    string? Provider = null,
    string? Target = null);
