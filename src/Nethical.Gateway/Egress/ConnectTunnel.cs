using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Egress;

/// <summary>
/// A <c>CONNECT</c> tunnel: decided on the host, then on the server name of the TLS ClientHello the client sends next
/// (a different, unsanctioned name is domain fronting and closes the tunnel), then bytes pumped both ways until either
/// side is done or the tunnel sits idle for <see cref="EgressOptions.IdleTimeout"/>.
/// </summary>
internal sealed class ConnectTunnel
{
    private readonly EgressDecider _decider;
    private readonly IEgressResolver _resolver;
    private readonly EgressOptions _options;
    private readonly EgressMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public ConnectTunnel(
        EgressDecider decider,
        IEgressResolver resolver,
        IOptions<EgressOptions> options,
        EgressMetrics metrics,
        TimeProvider timeProvider,
        ILogger<ConnectTunnel> logger)
    {
        _decider = decider;
        _resolver = resolver;
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Decides on <paramref name="host"/>, connects, answers 200, checks the ClientHello's server name and pumps bytes
    /// until either side is done. Returns the refusal to send when the tunnel does not open.
    /// </summary>
    public async Task<ProxyRefusal?> RunAsync(PipeReader input, PipeWriter output, ProxyRequestHead head, string host, int port, IPAddress? client, CancellationToken closed)
    {
        var identity = head.Header(_options.ClientIdentityHeader);
        var request = new OutboundRequest { Host = host, Port = port, ClientAddress = client, ClientIdentity = identity };
        var verdict = _decider.Decide(EgressDecider.KindConnect, request);
        if (verdict.Action == ShadowAiAction.Block)
        {
            return new ProxyRefusal(StatusCodes.Status403Forbidden, EgressDecider.BlockMessage(verdict));
        }

        Socket upstream;
        using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, closed))
        {
            try
            {
                upstream = await EgressConnector.ConnectAsync(_resolver, host, port, _options.AllowLocalDestinations, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !closed.IsCancellationRequested)
            {
                var timedOut = ex is OperationCanceledException;
                Log.ConnectFailed(_logger, host, port, timedOut ? "timeout" : ex.Message);
                return timedOut
                    ? new ProxyRefusal(StatusCodes.Status504GatewayTimeout, "connect timeout")
                    : new ProxyRefusal(StatusCodes.Status502BadGateway, "cannot reach the target");
            }
        }

        using (upstream)
        {
            await output.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), closed).ConfigureAwait(false);
            _metrics.TunnelOpened();
            long up = 0, down = 0;
            try
            {
                var (status, serverName) = await PeekClientHelloAsync(input, closed).ConfigureAwait(false);
                switch (status)
                {
                    case HelloPeek.Timeout:
                        Log.MalformedClientHello(_logger, host, port, client, "timeout");
                        return null;
                    case HelloPeek.Malformed:
                        Log.MalformedClientHello(_logger, host, port, client, "malformed");
                        return null;
                }

                if (serverName is not null && !string.Equals(serverName, host, StringComparison.OrdinalIgnoreCase))
                {
                    var fronted = _decider.DecideServerName(request, serverName);
                    if (fronted.Action == ShadowAiAction.Block)
                    {
                        Log.DomainFronting(_logger, host, port, client, serverName, fronted.Provider);
                        return null;
                    }
                }

                (up, down) = await PumpAsync(input, output, upstream, closed).ConfigureAwait(false);
            }
            finally
            {
                _metrics.TunnelClosed(up, down);
                Log.TunnelClosed(_logger, host, port, up, down);
            }
        }

        return null;
    }

    private enum HelloPeek
    {
        Parsed,
        NotTls,
        Timeout,
        Malformed,
    }

    /// <summary>Reads, without consuming, until the first bytes of the tunnel are a whole ClientHello, or plainly not TLS.</summary>
    private async Task<(HelloPeek Status, string? ServerName)> PeekClientHelloAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = new CancellationTokenSource(_options.ClientHelloTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, closed);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !closed.IsCancellationRequested)
            {
                // A client that holds back its ClientHello would otherwise pick when the check gives up: fail closed.
                return (HelloPeek.Timeout, null);
            }

            var buffer = result.Buffer;
            var status = TlsClientHello.TryGetServerName(buffer, out var serverName);
            if (status == TlsHelloStatus.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            // Consume nothing: the pump forwards these bytes.
            input.AdvanceTo(buffer.Start);
            return status switch
            {
                TlsHelloStatus.Parsed => (HelloPeek.Parsed, serverName),
                TlsHelloStatus.NotTls => (HelloPeek.NotTls, null),
                TlsHelloStatus.NeedMore when buffer.IsEmpty => (HelloPeek.NotTls, null),
                _ => (HelloPeek.Malformed, null),
            };
        }
    }

    private async Task<(long Up, long Down)> PumpAsync(PipeReader input, PipeWriter output, Socket upstream, CancellationToken closed)
    {
        using var idle = new IdleTimer(_options.IdleTimeout, _timeProvider, closed);
        var counters = new long[2];
        var up = CopyUpAsync(input, upstream, idle, counters);
        var down = CopyDownAsync(upstream, output, idle, counters);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (first == down || !await up.ConfigureAwait(false))
        {
            // The target is done (or the client failed): nothing more to carry either way.
            idle.Cancel();
        }

        await Task.WhenAll(up, down).ConfigureAwait(false);
        return (counters[0], counters[1]);
    }

    /// <summary>Client to target; true when the client finished sending cleanly (the target then sees a half-close).</summary>
    private static async Task<bool> CopyUpAsync(PipeReader input, Socket upstream, IdleTimer idle, long[] counters)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(idle.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        var sent = await upstream.SendAsync(remaining, SocketFlags.None, idle.Token).ConfigureAwait(false);
                        remaining = remaining[sent..];
                    }
                }

                if (!buffer.IsEmpty)
                {
                    counters[0] += buffer.Length;
                    idle.Touch();
                }

                input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            upstream.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static async Task CopyDownAsync(Socket upstream, PipeWriter output, IdleTimer idle, long[] counters)
    {
        try
        {
            while (true)
            {
                var memory = output.GetMemory(16 * 1024);
                var read = await upstream.ReceiveAsync(memory, SocketFlags.None, idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                counters[1] += read;
                idle.Touch();
                var flush = await output.FlushAsync(idle.Token).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }
}
