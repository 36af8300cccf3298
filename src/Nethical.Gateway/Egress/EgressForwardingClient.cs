using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The client that forwards absolute-form requests: no proxy of its own, no redirects, no decompression, no cookies,
/// no trace headers of its own (a forward proxy passes requests as they came), and connections through <see cref="IEgressResolver"/>.
/// </summary>
internal sealed class EgressForwardingClient : IDisposable
{
    public EgressForwardingClient(IEgressResolver resolver, IOptions<EgressOptions> options)
    {
        var egress = options.Value;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = egress.ConnectTimeout,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = await EgressConnector.ConnectAsync(resolver, context.DnsEndPoint.Host, context.DnsEndPoint.Port, egress.AllowLocalDestinations, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}

/// <summary>Copies the request as it came (headers already stripped of hop-by-hop and proxy fields) to its raw target.</summary>
internal sealed class EgressTransformer : HttpTransformer
{
    public static readonly EgressTransformer Instance = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        // The Host goes from the request-target the detector judged, never from the client's own Host header: a
        // mismatched Host would be domain fronting over plain http (RFC 9112 3.2.2 lets a proxy rewrite it).
        proxyRequest.Headers.Host = null;

        // The path and query as the client wrote them, not re-encoded from the decoded PathString.
        var target = httpContext.Features.Get<EgressTargetFeature>();
        if (target is not null)
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix + target.PathAndQuery, UriKind.Absolute);
        }
    }
}

/// <summary>The raw path and query of a proxied request.</summary>
internal sealed record EgressTargetFeature(string PathAndQuery);

internal sealed class EgressBodyDetectionFeature(bool canHaveBody) : IHttpRequestBodyDetectionFeature
{
    public bool CanHaveBody { get; } = canHaveBody;
}

/// <summary>Ties YARP's abort to the exchange: an abort cancels it and closes the connection afterwards.</summary>
internal sealed class EgressLifetimeFeature(IdleTimer idle) : IHttpRequestLifetimeFeature
{
    public CancellationToken RequestAborted { get => idle.Token; set { } }

    public bool Aborted { get; private set; }

    public void Abort()
    {
        Aborted = true;
        idle.Cancel();
    }
}
