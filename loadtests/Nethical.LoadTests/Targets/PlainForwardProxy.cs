using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nethical.LoadTests.Targets;

/// <summary>
/// A plain forward proxy, the egress scenario's baseline: <c>CONNECT host:port</c> opens a tunnel; an absolute-form
/// request (<c>http://host:port/…</c>) opens a connection to its origin and passes the bytes on as they came (an
/// origin server accepts the absolute form, RFC 9112 3.2.2), the client's connection then pinned to that origin. No
/// decision, no screening, no header rewriting: the cost of a hop that copies bytes. Loopback IP literals only (any
/// other destination: 403); <c>GET /healthz</c> answers <c>ok</c>.
/// </summary>
internal sealed class PlainForwardProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 32 * 1024;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _tunnels;
    private long _absoluteForm;

    private PlainForwardProxy(TcpListener listener)
    {
        _listener = listener;
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>CONNECT tunnels opened.</summary>
    public long Tunnels => Interlocked.Read(ref _tunnels);

    /// <summary>Client connections opened by an absolute-form request.</summary>
    public long AbsoluteFormConnections => Interlocked.Read(ref _absoluteForm);

    /// <summary>Listens on 127.0.0.1 (<paramref name="port"/>, 0: a free one).</summary>
    public static PlainForwardProxy Start(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(backlog: 1024);
        return new PlainForwardProxy(listener);
    }

    /// <summary>The <c>--forward-proxy-server</c> mode: this proxy in its own process until killed.</summary>
    public static async Task<int> RunAsync(int port, CancellationToken cancellationToken)
    {
        await using var proxy = Start(port);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or the harness's kill.
        }

        return 0;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var head = new byte[MaxHeadBytes];
                var filled = 0;
                int headEnd;
                while ((headEnd = head.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == head.Length)
                    {
                        await AnswerAsync(client, "431 Request Header Fields Too Large", "request head too large");
                        return;
                    }

                    var read = await client.ReceiveAsync(head.AsMemory(filled), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                headEnd += 4;
                var lineEnd = head.AsSpan(0, filled).IndexOf("\r\n"u8);
                var parts = Encoding.ASCII.GetString(head, 0, lineEnd).Split(' ');
                if (parts.Length != 3)
                {
                    await AnswerAsync(client, "400 Bad Request", "malformed request line");
                    return;
                }

                var (method, target) = (parts[0], parts[1]);
                if (method == "CONNECT")
                {
                    if (!TryLoopback(target, out var endpoint))
                    {
                        await AnswerAsync(client, "403 Forbidden", "loopback IP literals only");
                        return;
                    }

                    using var upstream = await ConnectAsync(endpoint);
                    Interlocked.Increment(ref _tunnels);
                    await client.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), SocketFlags.None, _stop.Token);
                    await PumpAsync(client, upstream, head.AsMemory(headEnd, filled - headEnd));
                }
                else if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                {
                    var rest = target["http://".Length..];
                    var slash = rest.IndexOfAny(['/', '?']);
                    if (!TryLoopback(slash < 0 ? rest : rest[..slash], out var endpoint))
                    {
                        await AnswerAsync(client, "403 Forbidden", "loopback IP literals only");
                        return;
                    }

                    using var upstream = await ConnectAsync(endpoint);
                    Interlocked.Increment(ref _absoluteForm);
                    await PumpAsync(client, upstream, head.AsMemory(0, filled));
                }
                else if (method == "GET" && target == "/healthz")
                {
                    await AnswerAsync(client, "200 OK", "ok");
                }
                else
                {
                    await AnswerAsync(client, "400 Bad Request", "not a proxy request: use CONNECT host:port or an absolute http:// URI");
                }
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client or the origin went away: nothing to answer.
            }
        }
    }

    private async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, _stop.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="first"/> on, then copies both ways; when the origin is done, the client's connection closes too.</summary>
    private async Task PumpAsync(Socket client, Socket upstream, ReadOnlyMemory<byte> first)
    {
        while (!first.IsEmpty)
        {
            var sent = await upstream.SendAsync(first, SocketFlags.None, _stop.Token);
            first = first[sent..];
        }

        var up = CopyAsync(client, upstream, _stop.Token);
        var down = CopyAsync(upstream, client, _stop.Token);
        if (await Task.WhenAny(up, down) == up)
        {
            // The client is done sending: the origin sees the half-close and ends its answer.
            TryShutdown(upstream);
            await down;
        }

        TryShutdown(client);
        client.Close();
        upstream.Close();
        await up;
    }

    private static async Task CopyAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, cancellationToken);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closed.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void TryShutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private async Task AnswerAsync(Socket client, string status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await client.SendAsync(head.Concat(body).ToArray(), SocketFlags.None, _stop.Token);
        TryShutdown(client);
    }

    /// <summary><c>127.0.0.1:port</c> or <c>[::1]:port</c>: a loopback IP literal and a port; never a name (nothing is resolved).</summary>
    internal static bool TryLoopback(string authority, out IPEndPoint endpoint)
    {
        endpoint = null!;
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var host = authority[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
