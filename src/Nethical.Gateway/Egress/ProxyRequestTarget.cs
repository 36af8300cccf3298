using System.Net;
using System.Net.Sockets;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The target of an absolute-form proxy request (<c>http://host[:port]/path?query</c>): the host as judged, the port,
/// the authority to forward to and the path and query as the client wrote them. Also parses a CONNECT authority.
/// </summary>
internal readonly record struct ProxyRequestTarget(string Host, int Port, string Authority, string PathAndQuery)
{
    /// <summary>Parses <c>host:port</c> or <c>[v6]:port</c>; the host comes back lower-cased without a trailing dot.</summary>
    public static bool TryParseAuthority(string authority, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        string hostPart;
        string portPart;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= authority.Length || authority[close + 1] != ':')
            {
                return false;
            }

            hostPart = authority[1..close];
            portPart = authority[(close + 2)..];
            if (!IPAddress.TryParse(hostPart, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon <= 0)
            {
                return false;
            }

            hostPart = authority[..colon];
            portPart = authority[(colon + 1)..];
        }

        if (portPart.Length is 0 or > 5 || portPart.AsSpan().ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(portPart, System.Globalization.NumberStyles.None, null, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = NormalizeHost(hostPart);
        return host.Length > 0 && IsHostName(host);
    }

    /// <summary>Parses an absolute <c>http://</c> request-target (no userinfo, no fragment; port 80 when none is given).</summary>
    public static bool TryParseAbsolute(string target, out ProxyRequestTarget result)
    {
        result = default;
        const string Prefix = "http://";
        if (!target.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = target[Prefix.Length..];
        var end = rest.AsSpan().IndexOfAny('/', '?');
        var authority = end < 0 ? rest : rest[..end];
        var pathAndQuery = end < 0 ? "/" : rest[end..];
        if (pathAndQuery.StartsWith('?'))
        {
            pathAndQuery = "/" + pathAndQuery;
        }

        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal) || authority.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        if (!TryParseAuthority(authority, out var host, out var port))
        {
            // No port: the default one.
            if (authority.EndsWith(']') || !authority.Contains(':', StringComparison.Ordinal))
            {
                if (!TryParseAuthority(authority + ":80", out host, out port))
                {
                    return false;
                }

                authority += ":80";
            }
            else
            {
                return false;
            }
        }

        var hash = pathAndQuery.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            pathAndQuery = pathAndQuery[..hash];
        }

        result = new ProxyRequestTarget(host, port, authority, pathAndQuery);
        return true;
    }

    private static string NormalizeHost(string host) => host.TrimEnd('.').ToLowerInvariant();

    private static bool IsHostName(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }

        if (host.Length > 253)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
