using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nethical.LoadTests.Running;

/// <summary>How a request reaches its target through a forward proxy.</summary>
internal enum ProxyMode
{
    /// <summary><c>CONNECT host:port</c>, then the request as plain HTTP/1.1 inside the tunnel (the tunnel is kept for the next requests).</summary>
    Connect,

    /// <summary>The request line in absolute form, <c>POST http://host:port/v1/chat/completions</c>, to the proxy.</summary>
    AbsoluteForm,
}

/// <summary>A forward proxy on loopback and the way the runner uses it.</summary>
internal sealed record ProxyRoute(Uri Proxy, ProxyMode Mode)
{
    /// <summary>The mode as the console and the report name it: <c>connect</c> or <c>absolute-form</c>.</summary>
    public string ModeName => Name(Mode);

    public static string Name(ProxyMode mode) => mode == ProxyMode.Connect ? "connect" : "absolute-form";
}

/// <summary>A proxy's refusal of a <c>CONNECT</c>: its status code (an error of kind <c>tunnel_&lt;status&gt;</c>).</summary>
internal sealed class ProxyTunnelException(int statusCode, string message) : IOException(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>The runner's HTTP handler: direct, through a proxy in absolute form, or through <c>CONNECT</c> tunnels.</summary>
internal static class LoadClientHandler
{
    private const int MaxTunnelHeadBytes = 8 * 1024;

    /// <summary>
    /// The handler for <paramref name="route"/> (null: direct). A proxied run only ever goes to loopback: the target
    /// and the proxy must be loopback IP literals, so nothing is resolved and nothing leaves the machine.
    /// </summary>
    public static SocketsHttpHandler Create(LoadSettings settings, Uri requestUri, ProxyRoute? route)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(requestUri);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(settings.MaxInFlight, settings.Clients) + 16,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        if (route is null)
        {
            return handler;
        }

        RequireLoopback(requestUri, "target");
        var proxy = RequireLoopback(route.Proxy, "proxy");
        if (requestUri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"A proxied run sends plain http:// requests, not {requestUri}.", nameof(requestUri));
        }

        if (route.Mode == ProxyMode.AbsoluteForm)
        {
            handler.UseProxy = true;
            handler.Proxy = new FixedProxy(route.Proxy);
        }
        else
        {
            handler.ConnectCallback = (context, cancellationToken) => OpenTunnelAsync(proxy, context.DnsEndPoint, cancellationToken);
        }

        return handler;
    }

    /// <summary>Connects to the proxy, asks for a tunnel to <paramref name="target"/> and returns the tunnel once it answers 200.</summary>
    internal static async ValueTask<Stream> OpenTunnelAsync(IPEndPoint proxy, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(proxy.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(proxy, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var authority = $"{target.Host}:{target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"), cancellationToken);
            var status = await ReadTunnelStatusAsync(stream, cancellationToken);
            if (status != 200)
            {
                await stream.DisposeAsync();
                throw new ProxyTunnelException(status, $"the proxy answered CONNECT {authority} with {status}");
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the proxy's answer head to its blank line, no further (the server sends nothing else before the client
    /// speaks in the tunnel), and returns its status code.
    /// </summary>
    private static async Task<int> ReadTunnelStatusAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[MaxTunnelHeadBytes];
        var length = 0;
        var one = new byte[1];
        while (length < 4 || !head.AsSpan(length - 4, 4).SequenceEqual("\r\n\r\n"u8))
        {
            if (length == head.Length)
            {
                throw new IOException($"the proxy's CONNECT answer is longer than {MaxTunnelHeadBytes} bytes");
            }

            // Byte by byte: the head is short, read once per tunnel, and not a byte of the tunnel may be taken with it.
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("the proxy closed the connection before answering CONNECT");
            }

            head[length++] = one[0];
        }

        // "HTTP/1.1 200 Connection established"
        var line = Encoding.ASCII.GetString(head, 0, Math.Max(0, head.AsSpan(0, length).IndexOf("\r\n"u8)));
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            ? status
            : throw new IOException($"the proxy's CONNECT answer is not HTTP: {line}");
    }

    private static IPEndPoint RequireLoopback(Uri uri, string what)
    {
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The {what} of a proxied run must be a loopback IP literal, not {uri.Host}.", nameof(uri));
        }

        return new IPEndPoint(address, uri.Port);
    }

    /// <summary>One proxy for every request, never bypassed (loopback included).</summary>
    private sealed class FixedProxy(Uri proxy) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => proxy;

        public bool IsBypassed(Uri host) => false;
    }
}
