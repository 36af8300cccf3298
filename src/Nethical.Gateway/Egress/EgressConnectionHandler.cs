using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The egress listener: speaks just enough HTTP/1.1 for the proxy protocol. <c>CONNECT</c> opens a tunnel (decided on
/// the host, then on the TLS ClientHello's server name: <see cref="ConnectTunnel"/>); an absolute-form <c>http://</c>
/// request is decided on host, path, headers and body, then forwarded with YARP (<see cref="AbsoluteFormForwarder"/>).
/// Anything else is refused with 400.
/// </summary>
internal sealed class EgressConnectionHandler : ConnectionHandler
{
    private readonly ConnectTunnel _tunnel;
    private readonly AbsoluteFormForwarder _forwarder;
    private readonly EgressOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public EgressConnectionHandler(
        ConnectTunnel tunnel,
        AbsoluteFormForwarder forwarder,
        IOptions<EgressOptions> options,
        TimeProvider timeProvider,
        ILogger<EgressConnectionHandler> logger)
    {
        _tunnel = tunnel;
        _forwarder = forwarder;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var client = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        try
        {
            await ServeAsync(connection, client).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            Log.ConnectionError(_logger, client, ex);
        }
    }

    private async Task ServeAsync(ConnectionContext connection, IPAddress? client)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var closed = connection.ConnectionClosed;
        while (true)
        {
            var (status, head, error) = await ReadHeadAsync(input, closed).ConfigureAwait(false);
            switch (status)
            {
                case HeadStatus.Closed:
                    return;
                case HeadStatus.Timeout:
                    await RefuseAsync(input, output, client, StatusCodes.Status408RequestTimeout, "request header timeout", closed).ConfigureAwait(false);
                    return;
                case HeadStatus.TooLarge:
                    await RefuseAsync(input, output, client, StatusCodes.Status431RequestHeaderFieldsTooLarge, "request headers too large", closed).ConfigureAwait(false);
                    return;
                case HeadStatus.Malformed:
                    await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest, error ?? "bad request", closed).ConfigureAwait(false);
                    return;
            }

            if (head!.IsConnect)
            {
                await TunnelAsync(input, output, head, client, closed).ConfigureAwait(false);
                return;
            }

            if (!await ForwardAsync(input, output, head, client, closed).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task TunnelAsync(PipeReader input, PipeWriter output, ProxyRequestHead head, IPAddress? client, CancellationToken closed)
    {
        var refusal = ProxyRequestTarget.TryParseAuthority(head.Target, out var host, out var port)
            ? await _tunnel.RunAsync(input, output, head, host, port, client, closed).ConfigureAwait(false)
            : new ProxyRefusal(StatusCodes.Status400BadRequest, "CONNECT needs host:port");
        if (refusal is { } refused)
        {
            await RefuseAsync(input, output, client, refused.StatusCode, refused.Reason, closed).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards one absolute-form request; true when the connection can carry another.</summary>
    private async Task<bool> ForwardAsync(PipeReader input, PipeWriter output, ProxyRequestHead head, IPAddress? client, CancellationToken closed)
    {
        if (!ProxyRequestTarget.TryParseAbsolute(head.Target, out var target))
        {
            await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest,
                "not a proxy request: use CONNECT host:port or an absolute http:// URI", closed).ConfigureAwait(false);
            return false;
        }

        if (!head.TryGetBodyFraming(out var framing, out var error))
        {
            await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest, error, closed).ConfigureAwait(false);
            return false;
        }

        return await _forwarder.ForwardAsync(input, output, head, target, framing, client, closed).ConfigureAwait(false);
    }

    private enum HeadStatus
    {
        Ok,
        Closed,
        Timeout,
        TooLarge,
        Malformed,
    }

    private async Task<(HeadStatus Status, ProxyRequestHead? Head, string? Error)> ReadHeadAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = new CancellationTokenSource(_options.HeaderTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, closed);
        var received = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !closed.IsCancellationRequested)
            {
                // An idle keep-alive connection just closes; a half-sent head is told why.
                return (received ? HeadStatus.Timeout : HeadStatus.Closed, null, null);
            }

            var buffer = result.Buffer;
            received |= !buffer.IsEmpty;
            if (ProxyRequestHead.TryFindEnd(buffer, out var length))
            {
                if (length > _options.MaxHeaderBytes)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return (HeadStatus.TooLarge, null, null);
                }

                var head = ProxyRequestHead.Parse(buffer.Slice(0, length).ToArray(), out var error);
                input.AdvanceTo(buffer.GetPosition(length));
                return head is null ? (HeadStatus.Malformed, null, error) : (HeadStatus.Ok, head, null);
            }

            if (buffer.Length > _options.MaxHeaderBytes)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return (HeadStatus.TooLarge, null, null);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return (buffer.IsEmpty ? HeadStatus.Closed : HeadStatus.Malformed, null, "incomplete request head");
            }
        }
    }

    /// <summary>Answers with a short plain-text error and <c>Connection: close</c>, then drains what the client still sends (bounded), so it reads the answer rather than a reset.</summary>
    private async Task RefuseAsync(PipeReader input, PipeWriter output, IPAddress? client, int statusCode, string reason, CancellationToken closed)
    {
        Log.BadRequest(_logger, client, statusCode, reason);
        using var timeout = new CancellationTokenSource(ClientDrain.MaxTime, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, closed);
        try
        {
            await RawResponse.WriteTextAsync(output, statusCode, reason, linked.Token).ConfigureAwait(false);
            await ClientDrain.DrainAsync(input, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
