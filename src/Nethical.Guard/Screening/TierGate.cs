using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;
using Nethical.Guard.Policy;

namespace Nethical.Guard.Screening;

/// <summary>
/// The routing rule between the tiers, one pure function shared by the serving path and the evaluation tool, so what
/// is measured is what is served.
/// </summary>
internal static class TierGate
{
    /// <summary>
    /// The gate over one request: the indexes of the normalised segments tier 2 must read (empty, whitespace-only text
    /// never), or null when tier 1 decides alone. The student scores a segment only where its score can change the
    /// routing; text longer than it reads has no student score, so it always goes to tier 2.
    /// </summary>
    /// <param name="segments">The request's normalised segments.</param>
    /// <param name="tier1Score">Tier 1's score of the request.</param>
    /// <param name="mode">The policy's tier-2 mode.</param>
    /// <param name="thresholds">The policy's gate thresholds.</param>
    /// <param name="student">The student, or null.</param>
    /// <param name="studentScore">
    /// The student's score of the segment at an index, where the caller remembers it (<see cref="SegmentMemo"/>); null,
    /// or NaN for an index, to compute it here.
    /// </param>
    public static List<int>? Route(IReadOnlyList<NormalizedSegment> segments, double tier1Score, Tier2Mode mode, in GateThresholds thresholds, HashedNgramStudent? student, Func<int, float>? studentScore = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (Tier1Decides(mode, tier1Score, thresholds))
        {
            return null;
        }
        List<int>? routed = null;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (string.IsNullOrWhiteSpace(segment.Text))
            {
                continue;
            }
            var source = segment.Segment.Source;
            float? studentProbability = student is not null && segment.Text.Length <= HashedNgramStudent.MaxChars
                && StudentCouldMatter(mode, tier1Score, source, thresholds)
                ? StudentScore(student, segment.Text, i, studentScore)
                : null;
            if (NeedsTier2(mode, tier1Score, source, studentProbability, thresholds, segment.Text))
            {
                (routed ??= []).Add(i);
            }
        }
        return routed ?? [];
    }

    private static float StudentScore(HashedNgramStudent student, string text, int index, Func<int, float>? remembered)
        => remembered?.Invoke(index) is { } score && !float.IsNaN(score) ? score : student.MaxChunkProbability(text);

    /// <summary>Whether tier 1 alone decides the request (tier 2 is not consulted for any segment).</summary>
    public static bool Tier1Decides(Tier2Mode mode, double tier1Score, in GateThresholds thresholds)
        => mode == Tier2Mode.Off || (mode == Tier2Mode.Uncertain && tier1Score >= thresholds.Tier1Confident);

    /// <summary>Whether one segment goes to tier 2, given that tier 1 did not decide the request.</summary>
    /// <param name="mode">The policy's tier-2 mode.</param>
    /// <param name="tier1Score">The request's tier-1 score.</param>
    /// <param name="source">Where the segment came from.</param>
    /// <param name="studentProbability">The student's score for the segment; null when it has none.</param>
    /// <param name="thresholds">The policy's gate thresholds.</param>
    /// <param name="oddTail">
    /// The segment ends in what looks like an optimiser-made suffix (<see cref="SuffixOddness"/> at or
    /// above its route threshold): such suffixes are made to slip past word-level models, so the student's "clear" is not
    /// trusted and the encoder reads it.
    /// </param>
    public static bool NeedsTier2(Tier2Mode mode, double tier1Score, SegmentSource source, float? studentProbability, in GateThresholds thresholds, bool oddTail = false)
    {
        if (mode == Tier2Mode.All)
        {
            return true;
        }
        if (mode == Tier2Mode.Off || tier1Score >= thresholds.Tier1Confident)
        {
            return false;
        }
        // Indirect injections hide in tool output and documents, where the rules are weakest: always look.
        if (source is SegmentSource.Tool or SegmentSource.Document)
        {
            return true;
        }
        if (tier1Score >= thresholds.Tier1Uncertain || oddTail)
        {
            return true;
        }
        return thresholds.StudentPassBelow is not { } passBelow || studentProbability is not { } student || student >= passBelow;
    }

    /// <summary>
    /// Whether one segment goes to tier 2, reading its tail for an optimiser-made suffix
    /// (<see cref="SuffixOddness"/>) only where that could change the answer. The serving path and
    /// the evaluation tool both route through here.
    /// </summary>
    public static bool NeedsTier2(Tier2Mode mode, double tier1Score, SegmentSource source, float? studentProbability, in GateThresholds thresholds, ReadOnlySpan<char> text)
    {
        var oddTail = OddTailCouldMatter(mode, tier1Score, source, studentProbability, thresholds)
            && SuffixOddness.Score(text).Score >= SuffixOddness.RouteThreshold;
        return NeedsTier2(mode, tier1Score, source, studentProbability, thresholds, oddTail);
    }

    /// <summary>
    /// Whether the odd-tail signal could change <see cref="NeedsTier2(Tier2Mode, double, SegmentSource, float?, in GateThresholds, bool)"/>'s
    /// answer for a segment: only for direct text in <see cref="Tier2Mode.Uncertain"/> below tier 1's uncertain band
    /// that the student would let skip. Elsewhere the answer is already decided, so the signal is not computed.
    /// </summary>
    private static bool OddTailCouldMatter(Tier2Mode mode, double tier1Score, SegmentSource source, float? studentProbability, in GateThresholds thresholds)
        => StudentCouldMatter(mode, tier1Score, source, thresholds)
            && studentProbability is { } student
            && thresholds.StudentPassBelow is { } passBelow
            && student < passBelow;

    /// <summary>
    /// Whether the student's score could change <see cref="NeedsTier2(Tier2Mode, double, SegmentSource, float?, in GateThresholds, bool)"/>'s
    /// answer: only for direct text in <see cref="Tier2Mode.Uncertain"/> below tier 1's uncertain band, with a student.
    /// Tool and document text, and everything in the other modes or bands, is routed without it.
    /// </summary>
    public static bool StudentCouldMatter(Tier2Mode mode, double tier1Score, SegmentSource source, in GateThresholds thresholds)
        => mode == Tier2Mode.Uncertain
            && tier1Score < thresholds.Tier1Uncertain
            && source is not (SegmentSource.Tool or SegmentSource.Document)
            && thresholds.StudentPassBelow is not null;

    /// <summary>The request's score: tier 1's when it decided, otherwise the higher of tier 1 and tier 2.</summary>
    public static double Combine(double tier1Score, double? tier2Score)
        => tier2Score is { } t2 ? Math.Max(tier1Score, t2) : tier1Score;
}
