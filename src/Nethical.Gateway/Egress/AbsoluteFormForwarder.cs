using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
using Nethical.Gateway.Screening;
using Nethical.Guard.Extraction;
using Nethical.Guard.ShadowAi;
using Yarp.ReverseProxy.Forwarder;

namespace Nethical.Gateway.Egress;

/// <summary>
/// An absolute-form <c>http://</c> request: reads the body for the detector when it fits, decides on host, path,
/// headers and body, screens the prompt of AI traffic that may go out, then forwards the request with YARP's
/// <see cref="IHttpForwarder"/> through a hand-built <see cref="DefaultHttpContext"/> and writes the response back.
/// </summary>
internal sealed class AbsoluteFormForwarder
{
    private readonly EgressDecider _decider;
    private readonly EgressPromptScreening _screening;
    private readonly IHttpForwarder _forwarder;
    private readonly EgressForwardingClient _client;
    private readonly EgressOptions _options;
    private readonly LastValidOptions<ShadowAiOptions> _shadowAi;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public AbsoluteFormForwarder(
        EgressDecider decider,
        EgressPromptScreening screening,
        IHttpForwarder forwarder,
        EgressForwardingClient client,
        IOptions<EgressOptions> options,
        LastValidOptions<ShadowAiOptions> shadowAi,
        TimeProvider timeProvider,
        ILogger<AbsoluteFormForwarder> logger)
    {
        _decider = decider;
        _screening = screening;
        _forwarder = forwarder;
        _client = client;
        _options = options.Value;
        _shadowAi = shadowAi;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Decides and forwards one request; true when the connection can carry another.</summary>
    public async Task<bool> ForwardAsync(
        PipeReader input, PipeWriter output, ProxyRequestHead head, ProxyRequestTarget target, BodyFraming framing, IPAddress? client, CancellationToken closed)
    {
        var (host, port, authority, pathAndQuery) = target;
        var (chunked, contentLength) = framing;
        using var idle = new IdleTimer(_options.IdleTimeout, _timeProvider, closed);
        var hasBody = framing.HasBody;
        RequestBodyStream? body = null;
        if (hasBody)
        {
            if (head.HasToken("Expect", "100-continue"))
            {
                await output.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), idle.Token).ConfigureAwait(false);
            }

            body = chunked ? RequestBodyStream.Chunked(input, idle) : RequestBodyStream.ContentLength(input, idle, contentLength);
        }

        // Read the body for the detector when it fits; a larger one passes through uninspected.
        ReadOnlyMemory<byte> inspected = default;
        Stream? forwardBody = body;
        var inspectedWhole = false;
        if (body is not null && (chunked || contentLength <= _options.MaxInspectedBodyBytes))
        {
            var (prefix, whole) = await body.ReadPrefixAsync(_options.MaxInspectedBodyBytes, idle.Token).ConfigureAwait(false);
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
        var verdict = _decider.Decide(EgressDecider.KindHttp, request);
        if (verdict.Action == ShadowAiAction.Block)
        {
            await WriteBlockedAsync(output, request, verdict, idle.Token).ConfigureAwait(false);
            await DrainUnreadAsync(input, body, inspectedWhole, closed).ConfigureAwait(false);
            return false;
        }

        // AI traffic that may go out still carries prompts: screen them as the reverse proxy does. A body too large to
        // read whole cannot be screened: under a fail-closed policy it does not go out.
        if (verdict.IsAi && body is not null && !inspectedWhole && _screening.IsFailClosed())
        {
            await RawResponse.WriteErrorAsync(output, new HttpRefusal(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                "Nethical Gateway screens AI requests up to Egress:MaxInspectedBodyBytes; this one is larger.", FailOpenAllowed: false), idle.Token).ConfigureAwait(false);
            await DrainUnreadAsync(input, body, inspectedWhole, closed).ConfigureAwait(false);
            return false;
        }
        if (verdict.IsAi && inspectedWhole && !inspected.IsEmpty
            && await _screening.ScreenPromptAsync(output, request, inspected, client, idle.Token).ConfigureAwait(false) is false)
        {
            return false;
        }

        var keepAlive = head.IsHttp11 && !head.HasToken("Connection", "close") && !head.HasToken("Proxy-Connection", "close");
        var response = new EgressResponse(output, idle, head.Method == "HEAD", head.IsHttp11, keepAlive);
        var lifetime = new EgressLifetimeFeature(idle);
        long? forwardedLength = chunked ? (inspectedWhole ? inspected.Length : null) : (hasBody ? contentLength : null);
        var context = CreateContext(head, _options.ClientIdentityHeader, _shadowAi.Current.IdentityHeader, pathAndQuery, forwardBody, forwardedLength, client, response, lifetime);
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
            if (HopByHopHeaders.IsHopByHop(header.Key)
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

    /// <summary>After refusing a request whose body was not read whole, discards what the client is still sending (bounded in time).</summary>
    private async Task DrainUnreadAsync(PipeReader input, Stream? body, bool inspectedWhole, CancellationToken closed)
    {
        if (inspectedWhole || body is null)
        {
            return;
        }
        using var drainTime = new CancellationTokenSource(ClientDrain.MaxTime, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(drainTime.Token, closed);
        try
        {
            await ClientDrain.DrainAsync(input, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Task WriteBlockedAsync(PipeWriter output, OutboundRequest request, ShadowAiVerdict verdict, CancellationToken cancellationToken)
    {
        var message = EgressDecider.BlockMessage(verdict);
        // A JSON AI request gets the OpenAI error shape (an SDK raises its normal API error with our message); the rest, text.
        return request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && verdict.IsAi
            ? RawResponse.WriteErrorAsync(output, new HttpRefusal(StatusCodes.Status403Forbidden, "shadow_ai_blocked", message, FailOpenAllowed: false), cancellationToken)
            : RawResponse.WriteTextAsync(output, StatusCodes.Status403Forbidden, message, cancellationToken);
    }
}
