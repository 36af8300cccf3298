using System.ComponentModel.DataAnnotations;

namespace Nethical.Gateway.Egress;

/// <summary>Options for the egress (forward-proxy) listener, bound from the <c>Egress</c> section.</summary>
public sealed class EgressOptions
{
    public const string SectionName = "Egress";

    /// <summary>The default name of the header that carries the client's identity.</summary>
    public const string DefaultClientIdentityHeader = "X-Nethical-Client";

    /// <summary>Whether the gateway listens for proxied traffic (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The listening address: <c>http://</c>, an IP literal or <c>localhost</c>, and a port (0 picks a free one).</summary>
    [Required]
    public string Url { get; set; } = "http://127.0.0.1:8888";

    /// <summary>The longest a client may take to send a request line and headers; then 408 and close (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A tunnel or a forwarded exchange with no bytes either way for this long is closed (default 2 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a client may take, once a tunnel is open, to send its TLS ClientHello (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ClientHelloTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a connection to a target may take (default 10 s); then 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The request line and headers together may not exceed this; then 431 and close (default 32 KiB).</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Bodies of absolute-form requests up to this size are read and shown to the detector; larger ones pass through
    /// uninspected, still decided on host, path and headers (default 1 MiB).
    /// </summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxInspectedBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The request header that names the client (default <c>X-Nethical-Client</c>); it is not forwarded.</summary>
    [Required]
    public string ClientIdentityHeader { get; set; } = DefaultClientIdentityHeader;

    /// <summary>
    /// The screening policy (a name under <c>Screening:Policies</c>) for prompts in AI requests that egress lets
    /// through over plain <c>http://</c>: they are screened for prompt injection like the reverse proxy's. Default
    /// <c>default</c>; a policy in <c>Off</c> mode disables it.
    /// </summary>
    public string ScreeningPolicy { get; set; } = "default";

    /// <summary>
    /// Whether egress may connect to loopback, link-local (cloud metadata) and unspecified addresses. Default false: the
    /// proxy is for leaving the machine, not for reaching the gateway host's own services.
    /// </summary>
    public bool AllowLocalDestinations { get; set; }
}
