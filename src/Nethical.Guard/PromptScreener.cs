using System.Diagnostics;
using Nethical.Guard.Detectors;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;

namespace Nethical.Guard;

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
    TimeSpan Elapsed);

/// <summary>
/// Extraction, normalisation and detection in one call: the engine behind the proxy and the guard API.
/// Thread-safe; one instance serves every request.
/// </summary>
public sealed class PromptScreener
{
    private readonly TextNormalizer _normalizer;
    private readonly RuleBasedPromptInjectionDetector _tier1;
    private readonly IPromptExtractor[] _extractors;
    private readonly AnyStringExtractor _fallback;

    public PromptScreener(TextNormalizer normalizer, RuleBasedPromptInjectionDetector tier1, int maxJsonDepth = 64)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentNullException.ThrowIfNull(tier1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJsonDepth, 1);
        _normalizer = normalizer;
        _tier1 = tier1;
        _fallback = new AnyStringExtractor(maxJsonDepth);
        var formats = Enum.GetValues<ProviderFormat>();
        _extractors = new IPromptExtractor[formats.Length];
        foreach (var format in formats)
        {
            _extractors[(int)format] = PromptExtractors.Create(format, maxJsonDepth);
        }
    }

    /// <summary>
    /// Screens a provider-format JSON body. Throws <see cref="PromptExtractionException"/> when it cannot be read.
    /// A body in which the format finds no prompt (another endpoint's shape) has every string value screened instead.
    /// </summary>
    public ScreeningResult Screen(ReadOnlySpan<byte> utf8Json, ProviderFormat format)
    {
        var start = Stopwatch.GetTimestamp();
        var segments = new List<PromptSegment>(8);
        if ((uint)format >= (uint)_extractors.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(format));
        }

        _extractors[(int)format].Extract(utf8Json, segments);
        if (segments.Count == 0)
        {
            _fallback.Extract(utf8Json, segments);
        }
        return Detect(segments, start);
    }

    /// <summary>Screens plain text as one user segment.</summary>
    public ScreeningResult ScreenText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = Stopwatch.GetTimestamp();
        List<PromptSegment> segments = [new PromptSegment(text, SegmentSource.User, "user", "text")];
        return Detect(segments, start);
    }

    private ScreeningResult Detect(List<PromptSegment> segments, long start)
    {
        var textLength = 0;
        foreach (var segment in segments)
        {
            textLength += segment.Text.Length;
        }

        var normalized = new List<NormalizedSegment>(segments.Count + 2);
        _normalizer.Normalize(segments, normalized);
        var tier1 = _tier1.Evaluate(normalized);
        return new ScreeningResult(tier1.Score, tier1.Reasons, [tier1], segments.Count, textLength, Stopwatch.GetElapsedTime(start));
    }
}
