using Nethical.Guard.Extraction;

namespace Nethical.Guard.Normalization;

/// <summary>Turns extracted segments into the canonical text the detectors match against.</summary>
public sealed class TextNormalizer
{
    /// <summary>Normalises one string.</summary>
    public string Normalize(string text) => throw new NotImplementedException();

    /// <summary>
    /// Appends the normalised form of every segment, and of every encoded run decoded out of it, to <paramref name="output"/>.
    /// </summary>
    public void Normalize(IReadOnlyList<PromptSegment> segments, List<NormalizedSegment> output) => throw new NotImplementedException();
}
