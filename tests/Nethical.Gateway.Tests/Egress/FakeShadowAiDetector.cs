using System.Collections.Concurrent;
using System.Text.Json;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Egress;

/// <summary>
/// A hand-written detector: <c>api.openai.com</c> is OpenAI (sanctioned unless a test says otherwise),
/// <c>api.anthropic.com</c> is unsanctioned AI, an OpenAI-shaped chat request anywhere is self-hosted AI; the rest is not AI.
/// </summary>
public sealed class FakeShadowAiDetector : IShadowAiDetector
{
    public const string OpenAiHost = "api.openai.com";
    public const string AnthropicHost = "api.anthropic.com";

    public ConcurrentQueue<OutboundRequest> Seen { get; } = new();

    public bool OpenAiSanctioned { get; set; } = true;

    /// <summary>What the policy does with unsanctioned AI (Block or Flag).</summary>
    public ShadowAiAction UnsanctionedAction { get; set; } = ShadowAiAction.Block;

    /// <summary>Whether self-hosted AI (found by the request's shape) is sanctioned.</summary>
    public bool SelfHostedSanctioned { get; set; }

    public ShadowAiVerdict Evaluate(OutboundRequest request)
    {
        Seen.Enqueue(request);
        if (request.Host == OpenAiHost)
        {
            return Verdict("openai", ["ai.host"], OpenAiSanctioned);
        }

        if (request.Host == AnthropicHost)
        {
            return Verdict("anthropic", ["ai.host"], sanctioned: false);
        }

        if (request.Path is not null && request.Path.StartsWith("/v1/chat/completions", StringComparison.Ordinal) && IsChatBody(request.Body))
        {
            return Verdict("self-hosted", ["ai.path", "ai.body"], SelfHostedSanctioned);
        }

        return ShadowAiVerdict.NotAi;
    }

    private ShadowAiVerdict Verdict(string provider, string[] signals, bool sanctioned)
        => new(true, provider, signals, sanctioned, sanctioned ? ShadowAiAction.Allow : UnsanctionedAction, 1.5);

    private static bool IsChatBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("model", out _)
                && document.RootElement.TryGetProperty("messages", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Reset()
    {
        Seen.Clear();
        OpenAiSanctioned = true;
        UnsanctionedAction = ShadowAiAction.Block;
        SelfHostedSanctioned = false;
    }
}
