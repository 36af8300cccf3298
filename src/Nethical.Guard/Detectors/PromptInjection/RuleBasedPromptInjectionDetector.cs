using System.Diagnostics;
using System.Text.RegularExpressions;
using Nethical.Guard.Normalization;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>Tier 1: compiled rule packs over normalised text.</summary>
/// <remarks>
/// Immutable and thread-safe (register as a singleton). Each pack runs only on segments that contain one of its trigger
/// words, and each rule only where one of its anchors occurs. The score combines
/// the weights of the distinct rule ids that matched in any segment as <c>1 - Π(1 - w)</c>; derived (decoded) segments
/// count like originals, and a hit inside one adds <see cref="EncodedReason"/> (or <see cref="LetterSpacingReason"/>).
/// Work is bounded: every pattern has a match timeout, and once a request has used its time budget the remaining rules
/// are skipped. Either way the verdict carries <see cref="TimeoutReason"/>, weighted to reach the default block threshold
/// on its own, so padding a prompt to exhaust the budget does not let the rest of it through unexamined.
/// </remarks>
internal sealed class RuleBasedPromptInjectionDetector
{
    public const string DetectorName = "prompt_injection.tier1";

    /// <summary>A rule matched inside a base64, hex or percent-encoded run.</summary>
    public const string EncodedReason = "pi.obfuscation.encoded";

    /// <summary>A rule matched only once letter-spaced words were joined.</summary>
    public const string LetterSpacingReason = "pi.obfuscation.letter_spacing";

    /// <summary>A rule ran out of time on this input.</summary>
    public const string TimeoutReason = "pi.tier1.timeout";

    internal const double EncodedWeight = 0.15;
    internal const double LetterSpacingWeight = 0.15;
    internal const double TimeoutWeight = 0.5;

    /// <summary>The normaliser's decoding allowance ran out: encoded runs past it went unscreened.</summary>
    public const string DecodeBudgetReason = "pi.obfuscation.decode_budget";

    internal const double DecodeBudgetWeight = 0.5;

    private const byte NotMatched = 0;
    private const byte Matched = 1;

    /// <summary>Default time budget for one <see cref="Evaluate(IReadOnlyList{NormalizedSegment})"/> call, before <see cref="DefaultBudgetPerMegabyte"/>.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>Default extra budget per million characters of normalised text, so large legitimate documents finish.</summary>
    public static readonly TimeSpan DefaultBudgetPerMegabyte = TimeSpan.FromMilliseconds(250);

    private readonly long _budgetTicks;
    private readonly long _budgetTicksPerMegabyte;

    public RuleBasedPromptInjectionDetector()
        : this(DefaultBudget, DefaultBudgetPerMegabyte)
    {
    }

    /// <param name="budget">Time after which the remaining rules of a request are skipped.</param>
    /// <param name="budgetPerMegabyte">Added to <paramref name="budget"/> per million characters of normalised text.</param>
    public RuleBasedPromptInjectionDetector(TimeSpan budget, TimeSpan budgetPerMegabyte)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetPerMegabyte, TimeSpan.Zero);
        _budgetTicks = (long)(budget.TotalSeconds * Stopwatch.Frequency);
        _budgetTicksPerMegabyte = (long)(budgetPerMegabyte.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>
    /// Runs every rule on text that holds its anchor words, often enough for the runtime to promote the large
    /// source-generated matchers from quick, unoptimised code to optimised code (they run 3-10 times slower until then,
    /// and the first hit on a pack otherwise costs tens of milliseconds). Call at start-up: it takes tens of milliseconds.
    /// </summary>
    public static void WarmUp(int iterations = 64)
    {
        foreach (RulePack pack in RulePacks.All)
        {
            foreach (PromptInjectionRule rule in pack.Rules)
            {
                string text = (rule.Anchors is { Length: > 0 } anchors ? string.Join(' ', anchors) + " " : string.Empty)
                    + "all of the previous instructions and your system prompt, warm up";
                for (int i = 0; i < iterations; i++)
                {
                    try
                    {
                        rule.Pattern.IsMatch(text);
                    }
                    catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                    {
                        // A starved machine (the first, unoptimised runs on a busy CPU) must not stop the host:
                        // warming up is best effort, and screening has its own timeout handling.
                        break;
                    }
                }
            }
        }
    }

    public DetectorVerdict Evaluate(IReadOnlyList<NormalizedSegment> segments) => Evaluate(segments, known: null, recorded: null);

    /// <summary>
    /// Scores the segments as <see cref="Evaluate(IReadOnlyList{NormalizedSegment})"/> does, taking the rule matches
    /// of some segments as already known and recording those of others, so that a caller can remember what a segment
    /// that repeats (a system prompt, a chat's history) matched and not run the rules on it again.
    /// </summary>
    /// <param name="segments">The normalised segments of one request.</param>
    /// <param name="known">Per segment, its rule matches when known (the rules are not run on it), or null.</param>
    /// <param name="recorded">
    /// Per segment, on entry: whether to record its matches (a non-null placeholder, e.g. <see cref="RuleMatches.Record"/>);
    /// on return, what it matched on its own. All are reset to null when the budget ran out (nothing complete to remember).
    /// </param>
    public DetectorVerdict Evaluate(IReadOnlyList<NormalizedSegment> segments, IReadOnlyList<RuleMatches?>? known, RuleMatches?[]? recorded)
    {
        ArgumentNullException.ThrowIfNull(segments);
        long started = Stopwatch.GetTimestamp();
        long characters = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            characters += segments[s].Text?.Length ?? 0;
        }

        long deadline = started + _budgetTicks + (_budgetTicksPerMegabyte * characters / 1_000_000);

        IReadOnlyList<RulePack> packs = RulePacks.All;
        Span<byte> state = RulePacks.RuleCount <= 512 ? stackalloc byte[RulePacks.RuleCount] : new byte[RulePacks.RuleCount];
        state.Clear();
        bool encodedHit = false;
        bool spacingHit = false;
        bool timedOut = false;
        bool budgetHit = false;
        int matchedCount = 0;

        int segmentCount = segments.Count;
        for (int s = 0; s < segmentCount && !timedOut; s++)
        {
            if (known is not null && s < known.Count && known[s] is { } matches)
            {
                matchedCount += matches.MergeInto(state);
                continue;
            }

            RuleMatches? record = recorded is not null && s < recorded.Length && recorded[s] is not null ? new RuleMatches() : null;
            if (recorded is not null && s < recorded.Length)
            {
                recorded[s] = record;
            }

            NormalizedSegment segment = segments[s];
            string text = segment.Text;
            if (string.Equals(segment.Segment.Encoding, DerivedEncodings.DecodeBudgetExhausted, StringComparison.Ordinal))
            {
                budgetHit = true;
                continue;
            }

            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            string? encoding = segment.Segment.Encoding;
            bool spacing = string.Equals(encoding, DerivedEncodings.LetterSpacing, StringComparison.Ordinal);
            bool encoded = encoding is not null && !spacing;

            // A derived segment is evaluated even for rules already matched, until it has shown the obfuscation once.
            bool rerunMatched = (encoded && !encodedHit) || (spacing && !spacingHit);

            int triggered = RulePacks.TriggeredPacks(text, segment.Segment.Source);
            int offset = 0;
            for (int p = 0; p < packs.Count && !timedOut; p++)
            {
                RulePack pack = packs[p];
                PromptInjectionRule[] rules = pack.Rules;
                if ((triggered & (1 << p)) == 0)
                {
                    offset += rules.Length;
                    continue;
                }

                for (int r = 0; r < rules.Length; r++)
                {
                    int index = offset + r;
                    PromptInjectionRule rule = rules[r];
                    if ((state[index] == Matched && !rerunMatched && record is null) || !rule.AppliesTo(segment.Segment.Source) || !rule.MayMatch(text))
                    {
                        continue;
                    }

                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        timedOut = true;
                        break;
                    }

                    bool isMatch;
                    try
                    {
                        isMatch = rule.IsMatch(text);
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        timedOut = true;
                        break;
                    }

                    if (!isMatch)
                    {
                        continue;
                    }

                    record?.Add(index);

                    if (state[index] == NotMatched)
                    {
                        state[index] = Matched;
                        matchedCount++;
                    }

                    if (encoded)
                    {
                        encodedHit = true;
                    }
                    else if (spacing)
                    {
                        spacingHit = true;
                    }

                    rerunMatched = (encoded && !encodedHit) || (spacing && !spacingHit);
                }

                offset += rules.Length;
            }
        }

        if (timedOut && recorded is not null)
        {
            Array.Clear(recorded);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        if (matchedCount == 0 && !timedOut && !budgetHit)
        {
            return new DetectorVerdict(DetectorName, 0, DetectorVerdict.NoReasons, elapsed);
        }

        return BuildVerdict(state, matchedCount, encodedHit, spacingHit, timedOut, budgetHit, started);
    }

    private static DetectorVerdict BuildVerdict(ReadOnlySpan<byte> state, int matchedCount, bool encodedHit, bool spacingHit, bool timedOut, bool budgetHit, long started)
    {
        // Distinct ids with the highest weight any of their rules carries.
        string[] ids = new string[matchedCount + 4];
        double[] weights = new double[matchedCount + 4];
        int count = 0;
        int index = 0;
        foreach (RulePack pack in RulePacks.All)
        {
            foreach (PromptInjectionRule rule in pack.Rules)
            {
                if (state[index++] == Matched)
                {
                    count = AddReason(ids, weights, count, rule.Id, rule.Weight);
                }
            }
        }

        if (encodedHit)
        {
            count = AddReason(ids, weights, count, EncodedReason, EncodedWeight);
        }

        if (spacingHit)
        {
            count = AddReason(ids, weights, count, LetterSpacingReason, LetterSpacingWeight);
        }

        if (timedOut)
        {
            count = AddReason(ids, weights, count, TimeoutReason, TimeoutWeight);
        }

        if (budgetHit)
        {
            count = AddReason(ids, weights, count, DecodeBudgetReason, DecodeBudgetWeight);
        }

        // Highest weight first; insertion sort keeps rule order among equal weights.
        for (int i = 1; i < count; i++)
        {
            string id = ids[i];
            double weight = weights[i];
            int j = i - 1;
            while (j >= 0 && weights[j] < weight)
            {
                ids[j + 1] = ids[j];
                weights[j + 1] = weights[j];
                j--;
            }

            ids[j + 1] = id;
            weights[j + 1] = weight;
        }

        double clean = 1.0;
        for (int i = 0; i < count; i++)
        {
            clean *= 1.0 - weights[i];
        }

        string[] reasons = count == ids.Length ? ids : ids[..count];
        double score = Math.Clamp(1.0 - clean, 0.0, 1.0);
        return new DetectorVerdict(DetectorName, score, reasons, Stopwatch.GetElapsedTime(started));
    }

    private static int AddReason(string[] ids, double[] weights, int count, string id, double weight)
    {
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                weights[i] = Math.Max(weights[i], weight);
                return count;
            }
        }

        ids[count] = id;
        weights[count] = weight;
        return count + 1;
    }
}
