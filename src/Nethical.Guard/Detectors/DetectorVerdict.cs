namespace Nethical.Guard.Detectors;

/// <summary>What one detector concluded about a request.</summary>
/// <param name="Detector">The detector's name (<c>prompt_injection.tier1</c>).</param>
/// <param name="Score">Confidence that the request is an attack, in [0, 1].</param>
/// <param name="Reasons">Rule or signal ids that contributed, most significant first. Never prompt text.</param>
/// <param name="Elapsed">Time the detector took.</param>
/// <param name="Degraded">The detector could not give its own verdict (a model timed out, its breaker is open, its queue
/// was full) and this is a fallback: the policy's failure mode decides what happens.</param>
public sealed record DetectorVerdict(string Detector, double Score, IReadOnlyList<string> Reasons, TimeSpan Elapsed, bool Degraded = false)
{
    public static readonly IReadOnlyList<string> NoReasons = [];
}
