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

    /// <summary>Normalised texts still to be scored by tier 2 (<see cref="PromptScreener.CompleteAsync"/>); empty when tier 1 decided.</summary>
    internal IReadOnlyList<Tier2Text> PendingTier2 { get; init; } = [];
}
