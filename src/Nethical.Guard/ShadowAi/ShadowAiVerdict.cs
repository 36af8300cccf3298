namespace Nethical.Guard.ShadowAi;

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
