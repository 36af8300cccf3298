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

/// <summary>What the shadow-AI policy does with a request.</summary>
public enum ShadowAiAction
{
    /// <summary>Not AI, or sanctioned AI: pass untouched.</summary>
    Allow,

    /// <summary>Unsanctioned AI under a monitoring policy: pass, log, tag.</summary>
    Flag,

    /// <summary>Unsanctioned AI under an enforcing policy: refuse.</summary>
    Block,
}

/// <summary>The detector's verdict on one outbound request.</summary>
/// <param name="IsAi">Whether the request is AI traffic (the signals' weights reach the detection threshold).</param>
/// <param name="Provider">The catalog provider's name, <c>self-hosted</c> for an AI server found by its API shape, or null.</param>
/// <param name="Signals">Reason codes of every signal that fired (<c>ai.host</c>, <c>ai.path</c>, <c>ai.port</c>, <c>ai.header.*</c>, <c>ai.body</c>, <c>ai.model_download</c>, …), never key or prompt text.</param>
/// <param name="Sanctioned">Whether the organisation allows this provider for this client.</param>
/// <param name="Action">What the policy does.</param>
/// <param name="Score">The summed signal weight (at or above 1.0 is AI).</param>
public sealed record ShadowAiVerdict(bool IsAi, string? Provider, IReadOnlyList<string> Signals, bool Sanctioned, ShadowAiAction Action, double Score)
{
    /// <summary>Not AI: allow.</summary>
    public static readonly ShadowAiVerdict NotAi = new(false, null, [], false, ShadowAiAction.Allow, 0);
}

/// <summary>Decides whether an outbound request is AI traffic, which provider, and what the policy does.</summary>
public interface IShadowAiDetector
{
    /// <summary>Evaluates one request. Thread-safe, synchronous, allocation-light: it runs on every proxied request.</summary>
    ShadowAiVerdict Evaluate(OutboundRequest request);
}
