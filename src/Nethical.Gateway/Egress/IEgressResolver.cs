using System.Net;
using System.Net.Sockets;

namespace Nethical.Gateway.Egress;

/// <summary>
/// Resolves the target of a proxied request to the endpoints to connect to. The default asks DNS; a host replaces it
/// to pin destinations (or tests, to send every host to a loopback server).
/// </summary>
public interface IEgressResolver
{
    /// <summary>The endpoints for <paramref name="host"/> (a name or an IP literal) and <paramref name="port"/>, in the order to try.</summary>
    ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken);
}

/// <summary>Resolves through DNS (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>); IP literals as they are.</summary>
internal sealed class DnsEgressResolver : IEgressResolver
{
    public async ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [new IPEndPoint(literal, port)];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var endpoints = new IPEndPoint[addresses.Length];
        for (var i = 0; i < addresses.Length; i++)
        {
            endpoints[i] = new IPEndPoint(addresses[i], port);
        }

        return endpoints;
    }
}

/// <summary>Connects a socket to the first endpoint of a target that answers.</summary>
internal static class EgressConnector
{
    public static async Task<Socket> ConnectAsync(IEgressResolver resolver, string host, int port, bool allowLocal, CancellationToken cancellationToken)
    {
        var endpoints = await resolver.ResolveAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var endpoint in endpoints)
        {
            // Checked after resolution, on the address actually dialled: a name (or 2130706433) that resolves to the
            // gateway's own loopback or a link-local metadata service is refused, whatever it is called.
            if (!allowLocal && IsLocal(endpoint.Address))
            {
                last = new SocketException((int)SocketError.AccessDenied);
                continue;
            }

            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>Loopback, link-local (cloud metadata at 169.254.169.254), unspecified: never an egress destination by default.</summary>
    internal static bool IsLocal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return bytes[0] == 0 || (bytes[0] == 169 && bytes[1] == 254);
        }
        return false;
    }
}
