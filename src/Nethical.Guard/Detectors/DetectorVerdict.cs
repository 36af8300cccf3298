namespace Nethical.Guard.Detectors;

/// <summary>What one detector concluded about a request.</summary>
/// <param name="Detector">The detector's name (<c>prompt_injection.tier1</c>).</param>
/// <param name="Score">Confidence that the request is an attack, in [0, 1].</param>
/// <param name="Reasons">Rule or signal ids that contributed, most significant first. Never prompt text.</param>
/// <param name="Elapsed">Time the detector took.</param>
public sealed record DetectorVerdict(string Detector, double Score, IReadOnlyList<string> Reasons, TimeSpan Elapsed)
{
    public static readonly IReadOnlyList<string> NoReasons = [];
}
