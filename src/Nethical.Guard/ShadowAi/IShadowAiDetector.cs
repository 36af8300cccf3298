namespace Nethical.Guard.ShadowAi;

/// <summary>Decides whether an outbound request is AI traffic, which provider, and what the policy does.</summary>
public interface IShadowAiDetector
{
    /// <summary>Evaluates one request. Thread-safe, synchronous, allocation-light: it runs on every proxied request.</summary>
    ShadowAiVerdict Evaluate(OutboundRequest request);
}
