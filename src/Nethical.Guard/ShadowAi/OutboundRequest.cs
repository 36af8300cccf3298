using System.Net;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// What the shadow-AI detector sees of one outbound request: from the egress proxy (a CONNECT tunnel or an
/// absolute-form <c>http://</c> request), from the reverse proxy (the chosen destination), or from the guard API.
/// </summary>
public sealed record OutboundRequest
{
    /// <summary>The target host: lower case, no port, no trailing dot; an IP literal without brackets.</summary>
    public required string Host { get; init; }

    /// <summary>The target port (443 for a CONNECT to an https host, 80 for plain http by default).</summary>
    public int Port { get; init; }

    /// <summary><c>http</c> or <c>https</c>; null for a CONNECT tunnel, where only the host and port are known.</summary>
    public string? Scheme { get; init; }

    /// <summary>Path and query; null for a CONNECT tunnel.</summary>
    public string? Path { get; init; }

    /// <summary>Request headers (names case-insensitive); null when unknown (a tunnel).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The request body, when it was read (bounded by the caller); empty otherwise.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The body's content type, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>The client machine's address, for per-client exceptions.</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>The client's identity (the configured identity header's value), for per-client exceptions.</summary>
    public string? ClientIdentity { get; init; }
}
