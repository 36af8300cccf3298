using System.Diagnostics;
using Nethical.Guard.Detectors;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Monitoring;
using Nethical.Guard.Normalization;
using Nethical.Guard.Policy;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Screening;

/// <summary>
/// Extraction, normalisation, tier 1, the gate, tier 2 and the policy: the engine behind the proxy, the guard API and
/// egress. Thread-safe; one instance serves every request.
/// </summary>
internal sealed class PromptScreener : IPromptScreener
{
    private readonly TextNormalizer _normalizer;
    private readonly RuleBasedPromptInjectionDetector _tier1;
    private readonly IPromptExtractor[] _extractors;
    private readonly AnyStringExtractor _fallback;
    private readonly ModelPromptInjectionDetector? _tier2;

    public PromptScreener(TextNormalizer normalizer, RuleBasedPromptInjectionDetector tier1, int maxJsonDepth = 64)
        : this(normalizer, tier1, tier2: null, maxJsonDepth)
    {
    }

    internal PromptScreener(TextNormalizer normalizer, RuleBasedPromptInjectionDetector tier1, ModelPromptInjectionDetector? tier2, int maxJsonDepth = 64)
    {
        _tier2 = tier2;
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

    /// <summary>Repeated segments' normalised text, rule matches and student score; none when null (every segment screened afresh).</summary>
    public SegmentMemo? Memo { get; init; }

    /// <summary>Where stage latencies and tier-2 routing are counted for the live statistics; none when null.</summary>
    public GuardStatistics? Statistics { get; init; }

    /// <inheritdoc />
    public ValueTask<ScreeningDecision> ScreenAsync(ScreeningRequest request, ScreeningPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ScreeningResult tier1;
        try
        {
            tier1 = request.Text is { } text ? ScreenText(text, policy) : Screen(request.Body.Span, request.Format, policy);
        }
        catch (PromptExtractionException ex)
        {
            return ValueTask.FromResult(ScreeningDecision.NotScreened(policy.OnUnscreenable == FailureMode.Open, ex));
        }
        if (tier1.PendingTier2.Count == 0 || _tier2 is null)
        {
            if (Statistics is { } statistics)
            {
                statistics.Screened(sentToTier2: false);
                statistics.Record(GuardStatistics.Screening, tier1.Elapsed);
            }
            return ValueTask.FromResult(Decide(policy, tier1));
        }
        return ScreenCoreAsync(tier1, policy, cancellationToken);
    }

    private async ValueTask<ScreeningDecision> ScreenCoreAsync(ScreeningResult tier1, ScreeningPolicy policy, CancellationToken cancellationToken)
    {
        var result = await CompleteCoreAsync(tier1, policy, cancellationToken).ConfigureAwait(false);
        if (Statistics is { } statistics)
        {
            statistics.Screened(sentToTier2: true);
            statistics.Record(GuardStatistics.Tier2, result.Elapsed - tier1.Elapsed);
            statistics.Record(GuardStatistics.Screening, result.Elapsed);
        }
        return Decide(policy, result);
    }

    /// <summary>
    /// The policy over a screened result: block, flag or allow by score; a degraded result that does not block is
    /// refused where the policy refuses what it could not fully screen (fail closed: a retryable refusal, never an allow).
    /// </summary>
    internal static ScreeningDecision Decide(ScreeningPolicy policy, ScreeningResult result)
    {
        var action = PolicyEvaluator.Decide(policy, result.Score);
        if (result.Degraded && action != PolicyAction.Block && PolicyEvaluator.RefusesUnscreened(policy))
        {
            return ScreeningDecision.Screened(ScreeningOutcome.RefusedDegraded, result);
        }
        return ScreeningDecision.Screened(action switch
        {
            PolicyAction.Block => ScreeningOutcome.Block,
            PolicyAction.Flag => ScreeningOutcome.Flag,
            _ => ScreeningOutcome.Allow,
        }, result);
    }

    /// <summary>
    /// Screens a provider-format JSON body. Throws <see cref="PromptExtractionException"/> when it cannot be read.
    /// A body in which the format finds no prompt (another endpoint's shape) has every string value screened instead.
    /// </summary>
    public ScreeningResult Screen(ReadOnlySpan<byte> utf8Json, ProviderFormat format) => Screen(utf8Json, format, policy: null);

    /// <summary>
    /// Tier 1 over a provider-format body, and the gate's routing under <paramref name="policy"/>: what tier 2 must still
    /// score is in the result, for <see cref="CompleteAsync"/>. Without a policy (or a model), tier 1 alone.
    /// </summary>
    public ScreeningResult Screen(ReadOnlySpan<byte> utf8Json, ProviderFormat format, ScreeningPolicy? policy)
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
        Statistics?.Record(GuardStatistics.Extraction, Stopwatch.GetElapsedTime(start));
        return Detect(segments, start, policy);
    }

    /// <summary>Screens plain text as one user segment.</summary>
    public ScreeningResult ScreenText(string text) => ScreenText(text, policy: null);

    /// <summary>Screens plain text as one user segment, routed by the gate under <paramref name="policy"/>.</summary>
    public ScreeningResult ScreenText(string text, ScreeningPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = Stopwatch.GetTimestamp();
        List<PromptSegment> segments = [new PromptSegment(text, SegmentSource.User, "user", "text")];
        return Detect(segments, start, policy);
    }

    /// <summary>
    /// Runs tier 2 on what <see cref="Screen(ReadOnlySpan{byte}, ProviderFormat, ScreeningPolicy?)"/> routed to it and
    /// combines the verdicts. Completes synchronously when nothing was routed.
    /// </summary>
    public ValueTask<ScreeningResult> CompleteAsync(ScreeningResult tier1, ScreeningPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tier1);
        ArgumentNullException.ThrowIfNull(policy);
        if (tier1.PendingTier2.Count == 0 || _tier2 is null)
        {
            return ValueTask.FromResult(tier1);
        }
        return CompleteCoreAsync(tier1, policy, cancellationToken);
    }

    private async ValueTask<ScreeningResult> CompleteCoreAsync(ScreeningResult tier1, ScreeningPolicy policy, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var tier1Verdict = tier1.Verdicts[0];
        var verdict = await _tier2!.EvaluateAsync(tier1.PendingTier2, tier1Verdict, policy.Tier2Budget, cancellationToken).ConfigureAwait(false);
        // A degraded verdict from the fallback carries tier 1's score; one degraded by truncation carries the model's
        // score for what it did read. Either way the higher score stands.
        var score = TierGate.Combine(tier1.Score, verdict.Score);
        IReadOnlyList<string> reasons = verdict.Reasons.Count == 0
            ? tier1.Reasons
            : verdict.Score > tier1.Score || verdict.Degraded ? [.. verdict.Reasons, .. tier1.Reasons] : [.. tier1.Reasons, .. verdict.Reasons];
        return tier1 with
        {
            Score = score,
            Reasons = reasons,
            Verdicts = [.. tier1.Verdicts, verdict],
            Elapsed = tier1.Elapsed + Stopwatch.GetElapsedTime(start),
            Degraded = verdict.Degraded,
            PendingTier2 = [],
        };
    }

    private ScreeningResult Detect(List<PromptSegment> segments, long start, ScreeningPolicy? policy)
    {
        var textLength = 0;
        foreach (var segment in segments)
        {
            textLength += segment.Text.Length;
        }

        var normalizing = Stopwatch.GetTimestamp();
        var normalized = new List<NormalizedSegment>(segments.Count + 2);
        Remembered? remembered = null;
        if (Memo is null)
        {
            _normalizer.Normalize(segments, normalized);
        }
        else
        {
            remembered = Recall(segments, normalized);
        }
        var screening = Stopwatch.GetTimestamp();
        DetectorVerdict tier1;
        if (remembered is null)
        {
            tier1 = _tier1.Evaluate(normalized);
        }
        else
        {
            tier1 = _tier1.Evaluate(normalized, remembered.Known, remembered.Recorded);
            remembered.Remember(Memo!, segments, normalized);
        }
        var routing = Stopwatch.GetTimestamp();
        var pending = Route(normalized, tier1.Score, policy, remembered);
        if (Statistics is { } statistics)
        {
            statistics.Record(GuardStatistics.Normalization, Stopwatch.GetElapsedTime(normalizing, screening));
            statistics.Record(GuardStatistics.Tier1, Stopwatch.GetElapsedTime(screening, routing));
            statistics.Record(GuardStatistics.Gate, Stopwatch.GetElapsedTime(routing));
        }
        return new ScreeningResult(tier1.Score, tier1.Reasons, [tier1], segments.Count, textLength, Stopwatch.GetElapsedTime(start))
        {
            PendingTier2 = pending,
        };
    }

    /// <summary>
    /// Normalises the request's segments into <paramref name="normalized"/> (each original segment at its own index,
    /// derived ones after them, as <see cref="TextNormalizer.Normalize(IReadOnlyList{PromptSegment}, List{NormalizedSegment})"/>
    /// lays them out), taking remembered segments from the memo and normalising only the others. Returns what tier 1
    /// and the gate may reuse, and which segments to remember once tier 1 has run.
    /// </summary>
    private Remembered Recall(List<PromptSegment> segments, List<NormalizedSegment> normalized)
    {
        var memo = Memo!;
        var entries = new SegmentMemo.Entry?[segments.Count];
        List<PromptSegment>? fresh = null;
        var hits = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var text = segments[i].Text;
            if (SegmentMemo.Remembers(segments[i]) && memo.TryGet(text!, segments[i].Source, out var entry))
            {
                entries[i] = entry;
                hits++;
            }
            else
            {
                (fresh ??= new List<PromptSegment>(segments.Count)).Add(segments[i]);
            }
        }

        var freshNormalized = new List<NormalizedSegment>((fresh?.Count ?? 0) + 2);
        if (fresh is not null)
        {
            _normalizer.Normalize(fresh, freshNormalized);
        }
        // Fresh segments are remembered only when none of them yielded a variant (or the decoding-allowance marker):
        // then each one's normalised text and matches are exactly what screening it alone would give.
        var plain = fresh is null || freshNormalized.Count == fresh.Count;
        var next = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            normalized.Add(entries[i] is { } entry ? new NormalizedSegment(segments[i], entry.Normalized) : freshNormalized[next++]);
        }
        for (var i = next; i < freshNormalized.Count; i++)
        {
            normalized.Add(freshNormalized[i]);
        }

        var known = new RuleMatches?[normalized.Count];
        var recorded = new RuleMatches?[normalized.Count];
        for (var i = 0; i < segments.Count; i++)
        {
            if (entries[i] is { } entry)
            {
                known[i] = entry.Matches;
            }
            else if (plain && SegmentMemo.Remembers(segments[i]))
            {
                recorded[i] = RuleMatches.Record;
            }
        }
        Statistics?.SegmentsRecalled(hits, segments.Count);
        return new Remembered(entries, known, recorded);
    }

    /// <summary>What the memo gave one request, and what the request will give back to it.</summary>
    private sealed class Remembered(SegmentMemo.Entry?[] entries, RuleMatches?[] known, RuleMatches?[] recorded)
    {
        public RuleMatches?[] Known { get; } = known;

        public RuleMatches?[] Recorded { get; } = recorded;

        /// <summary>Stores the segments tier 1 recorded (all of them, or none when its budget ran out).</summary>
        public void Remember(SegmentMemo memo, List<PromptSegment> segments, List<NormalizedSegment> normalized)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (Recorded[i] is { } matches)
                {
                    var entry = new SegmentMemo.Entry(normalized[i].Text, matches);
                    entries[i] = entry;
                    memo.Add(segments[i].Text, segments[i].Source, entry);
                }
            }
        }

        public float StudentScore(int index, HashedNgramStudent student)
            => index < entries.Length && entries[index] is { } entry ? entry.StudentScore(student) : float.NaN;
    }

    /// <summary>The gate: which normalised texts tier 2 must score, with their source (deduplicated; empty texts never).</summary>
    private List<Tier2Text> Route(List<NormalizedSegment> normalized, double tier1Score, ScreeningPolicy? policy, Remembered? remembered)
    {
        if (_tier2 is null || policy is null || policy.Mode == PolicyMode.Off)
        {
            return [];
        }
        var student = _tier2.Student;
        Func<int, float>? studentScore = remembered is null || student is null ? null : index => remembered.StudentScore(index, student);
        var routed = TierGate.Route(normalized, tier1Score, policy.Tier2, GateThresholds.For(policy, _tier2.StudentPassBelow), student, studentScore);
        if (routed is null || routed.Count == 0)
        {
            return [];
        }
        var pending = new List<Tier2Text>(routed.Count);
        HashSet<Tier2Text>? seen = routed.Count > 1 ? [] : null;
        foreach (var index in routed)
        {
            var segment = normalized[index];
            var text = new Tier2Text(segment.Text, Tier2Text.IsIndirect(segment.Segment.Source));
            if (seen is null || seen.Add(text))
            {
                pending.Add(text);
            }
        }
        return pending;
    }
}
