using System.Diagnostics;
using System.Security.Cryptography;

namespace Nethical.Gateway.Diagnostics;

/// <summary>The gateway's meter and activity source names.</summary>
public static class GatewayDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and the <see cref="ActivitySource"/>.</summary>
    public const string MeterName = Guard.GuardDiagnostics.MeterName;

    internal static readonly ActivitySource ActivitySource = new(MeterName);

    /// <summary>
    /// A fingerprint of a body for logs and the audit trail: the first 16 hex digits of its SHA-256. Never the text itself.
    /// </summary>
    internal static string Fingerprint(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
