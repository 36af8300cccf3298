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
    public static async Task<Socket> ConnectAsync(IEgressResolver resolver, string host, int port, CancellationToken cancellationToken)
    {
        var endpoints = await resolver.ResolveAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var endpoint in endpoints)
        {
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
}
