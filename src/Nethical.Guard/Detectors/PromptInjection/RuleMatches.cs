namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>
/// The tier-1 rules one segment matched on its own (a bit per rule, in <see cref="RulePacks.All"/> order): what a
/// repeated segment's rules would find again, so they need not run again. Immutable once recorded.
/// </summary>
internal sealed class RuleMatches
{
    /// <summary>A placeholder that asks <see cref="RuleBasedPromptInjectionDetector.Evaluate(IReadOnlyList{Normalization.NormalizedSegment}, IReadOnlyList{RuleMatches?}?, RuleMatches?[])"/> to record a segment.</summary>
    public static readonly RuleMatches Record = new();

    private readonly ulong[] _bits = new ulong[(RulePacks.RuleCount + 63) / 64];

    /// <summary>How many rules matched.</summary>
    public int Count { get; private set; }

    internal void Add(int rule)
    {
        ref var word = ref _bits[rule >> 6];
        var bit = 1UL << (rule & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            Count++;
        }
    }

    /// <summary>Marks these matches in a request's per-rule state; returns how many were new to it.</summary>
    internal int MergeInto(Span<byte> state)
    {
        if (Count == 0)
        {
            return 0;
        }
        var added = 0;
        for (var i = 0; i < state.Length; i++)
        {
            if ((_bits[i >> 6] & (1UL << (i & 63))) != 0 && state[i] == 0)
            {
                state[i] = 1;
                added++;
            }
        }
        return added;
    }
}
