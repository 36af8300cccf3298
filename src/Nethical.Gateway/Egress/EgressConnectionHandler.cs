using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Http;
using Nethical.Gateway.Screening;
using Nethical.Guard;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Nethical.Guard.ShadowAi;
using Yarp.ReverseProxy.Forwarder;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The egress listener: speaks just enough HTTP/1.1 for the proxy protocol. <c>CONNECT</c> opens a tunnel (decided on
/// the host, then on the TLS ClientHello's server name); an absolute-form <c>http://</c> request is decided on host,
/// path, headers and body, then forwarded with YARP. Anything else is refused with 400.
/// </summary>
internal sealed class EgressConnectionHandler : ConnectionHandler
{
    private const string KindConnect = "connect";
    private const string KindHttp = "http";
    private const int MaxDrainBytes = 1024 * 1024;
    private static readonly TimeSpan s_drainTime = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Trailer", "TE", "Expect",
    };

    private readonly IShadowAiDetector _detector;
    private readonly IEgressResolver _resolver;
    private readonly IHttpForwarder _forwarder;
    private readonly EgressForwardingClient _client;
    private readonly EgressOptions _options;
    private readonly EgressMetrics _metrics;
    private readonly AuditLog? _audit;
    private readonly IPromptScreener? _screener;
    private readonly IOptionsMonitor<ScreeningOptions>? _screening;
    private readonly IOptionsMonitor<ShadowAiOptions>? _shadowAi;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public EgressConnectionHandler(
        IShadowAiDetector detector,
        IEgressResolver resolver,
        IHttpForwarder forwarder,
        EgressForwardingClient client,
        IOptions<EgressOptions> options,
        EgressMetrics metrics,
        TimeProvider timeProvider,
        ILogger<EgressConnectionHandler> logger,
        IServiceProvider services)
    {
        _detector = detector;
        _resolver = resolver;
        _forwarder = forwarder;
        _client = client;
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;

        // The audit log and the prompt screener come with screening (AddScreening); egress uses them when there.
        _audit = services.GetService<AuditLog>();
        _screener = services.GetService<IPromptScreener>();
        _screening = services.GetService<IOptionsMonitor<ScreeningOptions>>();
        _shadowAi = services.GetService<IOptionsMonitor<ShadowAiOptions>>();
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

    // ---- CONNECT ----------------------------------------------------------------------------------------------------

    private async Task TunnelAsync(PipeReader input, PipeWriter output, ProxyRequestHead head, IPAddress? client, CancellationToken closed)
    {
        if (!TryParseAuthority(head.Target, out var host, out var port))
        {
            await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest, "CONNECT needs host:port", closed).ConfigureAwait(false);
            return;
        }

        var identity = head.Header(_options.ClientIdentityHeader);
        var request = new OutboundRequest { Host = host, Port = port, ClientAddress = client, ClientIdentity = identity };
        var verdict = Decide(KindConnect, request);
        if (verdict.Action == ShadowAiAction.Block)
        {
            await RefuseAsync(input, output, client, StatusCodes.Status403Forbidden, BlockMessage(verdict), closed).ConfigureAwait(false);
            return;
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
                await RefuseAsync(input, output, client, timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                    timedOut ? "connect timeout" : "cannot reach the target", closed).ConfigureAwait(false);
                return;
            }
        }

        using (upstream)
        {
            await WriteAsync(output, "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), closed).ConfigureAwait(false);
            _metrics.TunnelOpened();
            long up = 0, down = 0;
            try
            {
                var (status, serverName) = await PeekClientHelloAsync(input, closed).ConfigureAwait(false);
                switch (status)
                {
                    case HelloPeek.Timeout:
                        Log.MalformedClientHello(_logger, host, port, client, "timeout");
                        return;
                    case HelloPeek.Malformed:
                        Log.MalformedClientHello(_logger, host, port, client, "malformed");
                        return;
                }

                if (serverName is not null && !string.Equals(serverName, host, StringComparison.OrdinalIgnoreCase))
                {
                    var fronted = _detector.Evaluate(request with { Host = serverName });
                    if (fronted.Action != ShadowAiAction.Allow)
                    {
                        Record(KindConnect, request with { Host = serverName }, fronted, default, TimeSpan.Zero);
                    }

                    if (fronted.Action == ShadowAiAction.Block)
                    {
                        Log.DomainFronting(_logger, host, port, client, serverName, fronted.Provider);
                        return;
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

    // ---- absolute-form http:// --------------------------------------------------------------------------------------

    /// <summary>Decides and forwards one request; true when the connection can carry another.</summary>
    private async Task<bool> ForwardAsync(PipeReader input, PipeWriter output, ProxyRequestHead head, IPAddress? client, CancellationToken closed)
    {
        if (!TryParseAbsoluteTarget(head.Target, out var host, out var port, out var authority, out var pathAndQuery))
        {
            await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest,
                "not a proxy request: use CONNECT host:port or an absolute http:// URI", closed).ConfigureAwait(false);
            return false;
        }

        // Body framing (RFC 9112 6.3): both headers at once is a smuggling attempt; only plain chunked is understood.
        var transferEncoding = head.Header("Transfer-Encoding");
        var contentLengthText = head.Header("Content-Length");
        var chunked = false;
        long contentLength = 0;
        if (transferEncoding is not null)
        {
            if (contentLengthText is not null || !transferEncoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest, "unsupported body framing", closed).ConfigureAwait(false);
                return false;
            }

            chunked = true;
        }
        else if (contentLengthText is not null && !TryParseContentLength(contentLengthText, out contentLength))
        {
            await RefuseAsync(input, output, client, StatusCodes.Status400BadRequest, "bad Content-Length", closed).ConfigureAwait(false);
            return false;
        }

        using var idle = new IdleTimer(_options.IdleTimeout, _timeProvider, closed);
        var hasBody = chunked || contentLength > 0;
        RequestBodyStream? body = null;
        if (hasBody)
        {
            if (head.HasToken("Expect", "100-continue"))
            {
                await WriteAsync(output, "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), idle.Token).ConfigureAwait(false);
            }

            body = chunked ? RequestBodyStream.Chunked(input, idle) : RequestBodyStream.ContentLength(input, idle, contentLength);
        }

        // Read the body for the detector when it fits; a larger one passes through uninspected.
        ReadOnlyMemory<byte> inspected = default;
        Stream? forwardBody = body;
        var inspectedWhole = false;
        if (body is not null && (chunked || contentLength <= _options.MaxInspectedBodyBytes))
        {
            var (prefix, whole) = await ReadPrefixAsync(body, _options.MaxInspectedBodyBytes, idle.Token).ConfigureAwait(false);
            inspectedWhole = whole;
            if (whole)
            {
                inspected = prefix;
                forwardBody = new MemoryStream(prefix, writable: false);
            }
            else
            {
                forwardBody = new PrefixedStream(prefix, body);
            }
        }

        if (body is not null && !inspectedWhole)
        {
            Log.UninspectedBody(_logger, head.Method, host, port, _options.MaxInspectedBodyBytes);
        }

        var detectorHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in head.Headers)
        {
            detectorHeaders[header.Key] = detectorHeaders.TryGetValue(header.Key, out var existing) ? existing + ", " + header.Value : header.Value;
        }

        var request = new OutboundRequest
        {
            Host = host,
            Port = port,
            Scheme = "http",
            Path = pathAndQuery,
            Headers = detectorHeaders,
            Body = inspected,
            ContentType = head.Header("Content-Type"),
            ClientAddress = client,
            ClientIdentity = head.Header(_options.ClientIdentityHeader),
        };
        var verdict = Decide(KindHttp, request);
        if (verdict.Action == ShadowAiAction.Block)
        {
            await WriteBlockedAsync(output, request, verdict, idle.Token).ConfigureAwait(false);
            await DrainUnreadAsync(input, body, inspectedWhole, closed).ConfigureAwait(false);
            return false;
        }

        // AI traffic that may go out still carries prompts: screen them as the reverse proxy does. A body too large to
        // read whole cannot be screened: under a fail-closed policy it does not go out.
        if (verdict.IsAi && body is not null && !inspectedWhole && IsScreeningFailClosed())
        {
            await WriteScreeningRefusalAsync(output, StatusCodes.Status413PayloadTooLarge, "request_too_large",
                "Nethical Gateway screens AI requests up to Egress:MaxInspectedBodyBytes; this one is larger.", idle.Token).ConfigureAwait(false);
            await DrainUnreadAsync(input, body, inspectedWhole, closed).ConfigureAwait(false);
            return false;
        }
        if (verdict.IsAi && inspectedWhole && !inspected.IsEmpty
            && await ScreenPromptAsync(output, request, inspected, client, idle.Token).ConfigureAwait(false) is false)
        {
            return false;
        }

        var keepAlive = head.IsHttp11 && !head.HasToken("Connection", "close") && !head.HasToken("Proxy-Connection", "close");
        var response = new EgressResponse(output, idle, head.Method == "HEAD", head.IsHttp11, keepAlive);
        var lifetime = new EgressLifetimeFeature(idle);
        long? forwardedLength = chunked ? (inspectedWhole ? inspected.Length : null) : (hasBody ? contentLength : null);
        var context = CreateContext(head, _options.ClientIdentityHeader, _shadowAi?.CurrentValue.IdentityHeader, pathAndQuery, forwardBody, forwardedLength, client, response, lifetime);
        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = _options.IdleTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var error = await _forwarder.SendAsync(context, "http://" + authority, _client.Invoker, config, EgressTransformer.Instance, idle.Token).ConfigureAwait(false);
        if (error != ForwarderError.None)
        {
            Log.ForwardFailed(_logger, head.Method, host, port, error);
            if (response.HasStarted || lifetime.Aborted)
            {
                // Mid-body: the client must see the truncation, so the connection closes without a clean end.
                return false;
            }

            response.Abandon();
        }

        await response.CompleteAsync().ConfigureAwait(false);
        return response.KeepAlive && error == ForwarderError.None && (body is null || body.IsComplete);
    }

    private static DefaultHttpContext CreateContext(
        ProxyRequestHead head, string identityHeader, string? detectorIdentityHeader, string pathAndQuery, Stream? body, long? bufferedLength, IPAddress? client, EgressResponse response, EgressLifetimeFeature lifetime)
    {
        var headers = new HeaderDictionary();
        HashSet<string>? connectionListed = null;
        foreach (var token in (head.Header("Connection") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            (connectionListed ??= new(StringComparer.OrdinalIgnoreCase)).Add(token);
        }

        foreach (var header in head.Headers)
        {
            if (s_hopByHop.Contains(header.Key)
                || header.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals(NethicalHeaders.ClientIdentity, StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals(identityHeader, StringComparison.OrdinalIgnoreCase)
                || (detectorIdentityHeader is not null && header.Key.Equals(detectorIdentityHeader, StringComparison.OrdinalIgnoreCase))
                || (connectionListed?.Contains(header.Key) ?? false))
            {
                continue;
            }

            headers.Append(header.Key, header.Value);
        }

        if (bufferedLength is long length)
        {
            // A chunked body read whole goes on with its length; a validated Content-Length goes on as one value
            // (never the client's list, "5, 5", which an upstream might read as something else).
            headers.ContentLength = length;
        }

        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = head.IsHttp11 ? "HTTP/1.1" : "HTTP/1.0",
            Scheme = "http",
            Method = head.Method,
            PathBase = string.Empty,
            Path = query < 0 ? pathAndQuery : pathAndQuery[..query],
            QueryString = query < 0 ? string.Empty : pathAndQuery[query..],
            RawTarget = head.Target,
            Headers = headers,
            Body = body ?? Stream.Null,
        });
        features.Set<IHttpRequestBodyDetectionFeature>(new EgressBodyDetectionFeature(body is not null));
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpRequestLifetimeFeature>(lifetime);
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = client });
        features.Set(new EgressTargetFeature(pathAndQuery));
        return new DefaultHttpContext(features);
    }

    private static async Task<(byte[] Prefix, bool Whole)> ReadPrefixAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (buffer.Length <= limit)
            {
                var read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.ToArray(), true);
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Screens the prompt of an AI request egress lets through. Returns false (after answering) when the screening
    /// policy blocks it, or when the body cannot be screened under a fail-closed policy.
    /// </summary>
    private async Task<bool> ScreenPromptAsync(PipeWriter output, OutboundRequest request, ReadOnlyMemory<byte> body, IPAddress? client, CancellationToken cancellationToken)
    {
        if (_screener is null || _screening is null)
        {
            return true;
        }
        var policy = _screening.CurrentValue.GetPolicy(_options.ScreeningPolicy);
        if (policy.Mode == PolicyMode.Off)
        {
            return true;
        }

        var decision = await _screener.ScreenAsync(ScreeningRequest.ForBody(body, ProviderFormat.Auto), policy, cancellationToken).ConfigureAwait(false);
        var reasons = decision.Result is { } result ? HttpRefusal.JoinReasons(result.Reasons) : decision.Code;
        _audit?.Record("egress/http", request.ClientIdentity ?? client?.ToString(), decision.Verdict, decision.Result?.Score, reasons,
            body.Span, decision.Result?.Elapsed ?? TimeSpan.Zero, target: $"{request.Host}:{request.Port}");
        if (decision.Forwards)
        {
            return true;
        }
        if (decision.Outcome == ScreeningOutcome.Block)
        {
            Log.PromptBlocked(_logger, request.Host, request.Port, decision.Score, reasons!);
        }
        // Egress answers on a raw connection: the client sees no rule ids.
        var refusal = HttpRefusal.For(decision, exposeReasons: false);
        await WriteScreeningRefusalAsync(output, refusal.Status, refusal.Code, refusal.Message, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>After refusing a request whose body was not read whole, discards what the client is still sending (bounded in time).</summary>
    private async Task DrainUnreadAsync(PipeReader input, Stream? body, bool inspectedWhole, CancellationToken closed)
    {
        if (inspectedWhole || body is null)
        {
            return;
        }
        using var drainTime = new CancellationTokenSource(s_drainTime, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(drainTime.Token, closed);
        try
        {
            await DrainAsync(input, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool IsScreeningFailClosed()
    {
        if (_screener is null || _screening is null)
        {
            return false;
        }
        return PolicyEvaluator.RefusesUnscreened(_screening.CurrentValue.GetPolicy(_options.ScreeningPolicy));
    }

    private static async Task WriteScreeningRefusalAsync(PipeWriter output, int status, string code, string message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ProviderErrorWriter.Write(writer, ProviderFormat.OpenAi, status, code, message);
        }
        var reason = status switch
        {
            StatusCodes.Status400BadRequest => "Bad Request",
            StatusCodes.Status413PayloadTooLarge => "Content Too Large",
            _ => "Service Unavailable",
        };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {buffer.WrittenCount}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        await WriteAsync(output, [.. Encoding.ASCII.GetBytes(head), .. buffer.WrittenSpan], cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteBlockedAsync(PipeWriter output, OutboundRequest request, ShadowAiVerdict verdict, CancellationToken cancellationToken)
    {
        var message = BlockMessage(verdict);
        byte[] body;
        string contentType;
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && verdict.IsAi)
        {
            // An SDK raises its normal API error with our message.
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                ProviderErrorWriter.Write(writer, Guard.Extraction.ProviderFormat.OpenAi, StatusCodes.Status403Forbidden, "shadow_ai_blocked", message);
            }

            body = buffer.WrittenSpan.ToArray();
            contentType = "application/json";
        }
        else
        {
            body = Encoding.UTF8.GetBytes(message);
            contentType = "text/plain; charset=utf-8";
        }

        var head = $"HTTP/1.1 403 Forbidden\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        await WriteAsync(output, [.. Encoding.ASCII.GetBytes(head), .. body], cancellationToken).ConfigureAwait(false);
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    private ShadowAiVerdict Decide(string kind, OutboundRequest request)
    {
        var started = _timeProvider.GetTimestamp();
        var verdict = _detector.Evaluate(request);
        var elapsed = _timeProvider.GetElapsedTime(started);
        _metrics.Decided(kind, ShadowAiVerdictTags.From(verdict));
        if (verdict.Action == ShadowAiAction.Block)
        {
            Log.Blocked(_logger, kind, request.Host, request.Port, request.ClientIdentity ?? (object?)request.ClientAddress, verdict.Provider, verdict.Signals);
        }
        else if (verdict.Action == ShadowAiAction.Flag)
        {
            Log.Flagged(_logger, kind, request.Host, request.Port, request.ClientIdentity ?? (object?)request.ClientAddress, verdict.Provider, verdict.Signals);
        }

        if (verdict.Action != ShadowAiAction.Allow || verdict.IsAi)
        {
            Record(kind, request, verdict, request.Body, elapsed);
        }

        return verdict;
    }

    private void Record(string kind, OutboundRequest request, ShadowAiVerdict verdict, ReadOnlyMemory<byte> body, TimeSpan elapsed)
    {
        if (_audit is null || !_audit.Enabled)
        {
            return;
        }

        var target = $"{request.Host}:{request.Port}";
        _audit.Record(new AuditRecord(
            _timeProvider.GetUtcNow(),
            $"egress/{kind}",
            ClientName(request),
            ShadowAiVerdictTags.ActionName(verdict.Action),
            verdict.Score,
            string.Join(',', verdict.Signals),
            body.IsEmpty ? null : GatewayDiagnostics.Fingerprint(body.Span),
            body.Length,
            elapsed.TotalMilliseconds,
            Activity.Current?.TraceId.ToString(),
            Kind: "shadow_ai",
            Provider: verdict.Provider,
            Target: target));
    }

    private static string? ClientName(OutboundRequest request) => request.ClientIdentity ?? request.ClientAddress?.ToString();

    private static string BlockMessage(ShadowAiVerdict verdict) => $"shadow AI: {verdict.Provider ?? "this AI service"} is not sanctioned";

    /// <summary>Answers with a short plain-text error and <c>Connection: close</c>, then drains what the client still sends (bounded), so it reads the answer rather than a reset.</summary>
    private async Task RefuseAsync(PipeReader input, PipeWriter output, IPAddress? client, int statusCode, string reason, CancellationToken closed)
    {
        Log.BadRequest(_logger, client, statusCode, reason);
        var body = Encoding.UTF8.GetBytes(reason);
        var head = $"HTTP/1.1 {statusCode} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode)}\r\n"
            + $"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        using var timeout = new CancellationTokenSource(s_drainTime, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, closed);
        try
        {
            await WriteAsync(output, [.. Encoding.ASCII.GetBytes(head), .. body], linked.Token).ConfigureAwait(false);
            await DrainAsync(input, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Discards what the client still sends (bounded), so that closing does not reset the connection before it reads our answer.</summary>
    private static async Task DrainAsync(PipeReader input, CancellationToken cancellationToken)
    {
        long drained = 0;
        while (drained < MaxDrainBytes)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    private static async Task WriteAsync(PipeWriter output, byte[] bytes, CancellationToken cancellationToken)
    {
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static bool TryParseContentLength(string value, out long length)
    {
        length = 0;

        // Repeated identical values ("5, 5") are allowed by RFC 9110; differing ones are not.
        string? first = null;
        foreach (var part in value.Split(','))
        {
            var trimmed = part.Trim();
            if (trimmed.Length is 0 or > 18 || trimmed.AsSpan().ContainsAnyExceptInRange('0', '9') || (first is not null && first != trimmed))
            {
                return false;
            }

            first = trimmed;
        }

        return first is not null && long.TryParse(first, System.Globalization.NumberStyles.None, null, out length);
    }

    internal static bool TryParseAuthority(string authority, out string host, out int port)
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

    private static bool TryParseAbsoluteTarget(string target, out string host, out int port, out string authority, out string pathAndQuery)
    {
        host = authority = pathAndQuery = string.Empty;
        port = 0;
        const string Prefix = "http://";
        if (!target.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = target[Prefix.Length..];
        var end = rest.AsSpan().IndexOfAny('/', '?');
        authority = end < 0 ? rest : rest[..end];
        pathAndQuery = end < 0 ? "/" : rest[end..];
        if (pathAndQuery.StartsWith('?'))
        {
            pathAndQuery = "/" + pathAndQuery;
        }

        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal) || authority.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        if (!TryParseAuthority(authority, out host, out port))
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
