using System.Collections.Frozen;

namespace Nethical.Gateway.Http;

/// <summary>
/// Fields that belong to one connection rather than to the message, and so do not pass through a proxy in either
/// direction: RFC 9110 7.6.1 (<c>Connection</c>, <c>Proxy-Connection</c>, <c>Keep-Alive</c>, <c>TE</c>,
/// <c>Transfer-Encoding</c>, <c>Upgrade</c>), <c>Trailer</c>, <c>Expect</c> (the proxy answers <c>100-continue</c>
/// itself) and every <c>Proxy-*</c> field (addressed to the proxy, not to the target).
/// </summary>
internal static class HopByHopHeaders
{
    private static readonly FrozenSet<string> s_names = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Trailer", "TE", "Expect");

    /// <summary>Whether <paramref name="name"/> is a hop-by-hop or proxy field, which a proxy must not forward.</summary>
    public static bool IsHopByHop(string name)
        => s_names.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);
}
