using Nethical.Guard.Detectors;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Screening;

/// <summary>The outcome of screening one request.</summary>
/// <param name="Score">The highest detector score, in [0, 1].</param>
/// <param name="Reasons">Rule and signal ids, never prompt text.</param>
/// <param name="Verdicts">Each detector's verdict.</param>
/// <param name="SegmentCount">How many segments were extracted (before decoding).</param>
/// <param name="TextLength">Total characters of extracted text.</param>
/// <param name="Elapsed">Extraction, normalisation and detection together.</param>
public sealed record ScreeningResult(
    double Score,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<DetectorVerdict> Verdicts,
    int SegmentCount,
    int TextLength,
    TimeSpan Elapsed)
{
    /// <summary>A detector the gate needed fell back (tier 2 timed out, its breaker was open, its queue was full).</summary>
    public bool Degraded { get; init; }

    /// <summary>
    /// Why a degraded result is degraded: <c>shed</c> (admission control turned it away under load), <c>timeout</c>,
    /// <c>circuit_open</c>, <c>error</c> or <c>truncated</c>; null when it is not degraded.
    /// </summary>
    public string? DegradedCause
    {
        get
        {
            if (!Degraded)
            {
                return null;
            }
            foreach (var verdict in Verdicts)
            {
                foreach (var reason in verdict.Reasons)
                {
                    if (reason.StartsWith(ModelPromptInjectionDetector.DegradedReasonPrefix, StringComparison.Ordinal))
                    {
                        return reason[ModelPromptInjectionDetector.DegradedReasonPrefix.Length..];
                    }
                }
            }
            return "unknown";
        }
    }

    /// <summary>Normalised texts still to be scored by tier 2 (<see cref="PromptScreener.CompleteAsync"/>); empty when tier 1 decided.</summary>
    internal IReadOnlyList<Tier2Text> PendingTier2 { get; init; } = [];
}
