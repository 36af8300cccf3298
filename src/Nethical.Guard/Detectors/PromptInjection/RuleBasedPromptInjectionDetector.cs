using Nethical.Guard.Normalization;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>Tier 1: compiled rule packs over normalised text.</summary>
public sealed class RuleBasedPromptInjectionDetector
{
    public const string DetectorName = "prompt_injection.tier1";

    public DetectorVerdict Evaluate(IReadOnlyList<NormalizedSegment> segments) => throw new NotImplementedException();
}
