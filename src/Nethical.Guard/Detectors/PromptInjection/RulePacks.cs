using System.Text.RegularExpressions;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>
/// The compiled tier-1 rule packs. Patterns run over normalised text (lower case, single spaces, homoglyphs folded,
/// accents kept), are source-generated, use bounded quantifiers only (no unbounded <c>.*</c>, no nested open-ended
/// repetition) and carry a match timeout, so hostile input costs linear time.
/// </summary>
/// <remarks>
/// Weights: at least 0.6 for signals that are attacks on their own, below 0.5 for signals that only count together.
/// Several rules may share an id (alternative phrasings of one intent); a request scores each id once.
/// </remarks>
internal static partial class RulePacks
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    private const int TimeoutMs = 100;

    /// <summary>A separator between two words: a space, punctuation or quotes.</summary>
    private const string S = @"\W{1,3}";

    /// <summary>A separator that may be missing (words run together once letter-spacing is undone).</summary>
    private const string S0 = @"\W{0,3}";

    /// <summary>One filler word and the separator after it.</summary>
    private const string Word = @"[\w'\-]{1,24}\W{1,3}";

    /// <summary>
    /// Subjects and auxiliaries that make an imperative verb descriptive ("why does the model ignore the system prompt").
    /// Used as <c>verb(?&lt;!Descriptive verb)</c>: a lookbehind placed after the verb keeps the verb a literal prefix
    /// the regex engine can search for.
    /// </summary>
    private const string Descriptive =
        @"\b(?:models?|llms?|gpt|chatgpt|bots?|chatbots?|assistants?|agents?|ai|it|does|do|did|doesn't|don't|didn't|not|never|will|would|can't|cannot|may|might|why|sometimes|often|usually|always|they|people|users|attackers|injections|which|who|that|git|browsers?|compilers?|linters?|eslint|parsers?|css|tools?|to make it|can it)";

    private static readonly RulePack[] Packs =
    [
        InstructionOverride(),
        PromptExtraction(),
        Persona(),
        RefusalSuppression(),
        TemplateSpoofing(),
        Exfiltration(),
        ToolHijack(),
        Spanish(),
        German(),
        French(),
        Portuguese(),
    ];

    /// <summary>All packs, in evaluation order.</summary>
    public static IReadOnlyList<RulePack> All => Packs;

    /// <summary>Total number of rules over all packs.</summary>
    public static readonly int RuleCount = CountRules();

    /// <summary>Per <see cref="Extraction.SegmentSource"/>, the mask of packs with a rule that counts in that source.</summary>
    private static readonly int[] PacksBySource = CreatePacksBySource();

    /// <summary>All packs' triggers in one search.</summary>
    public static readonly TriggerIndex Triggers = new(Packs, (1 << Packs.Length) - 1);

    /// <summary>Per source, the triggers of the packs that count there only (tool output is searched for more).</summary>
    private static readonly TriggerIndex[] TriggersBySource = CreateTriggersBySource();

    public static int PacksFor(Extraction.SegmentSource source) =>
        (uint)source < (uint)PacksBySource.Length ? PacksBySource[(int)source] : 0;

    /// <summary>The packs, among those that count in <paramref name="source"/>, with a trigger in <paramref name="text"/>.</summary>
    public static int TriggeredPacks(ReadOnlySpan<char> text, Extraction.SegmentSource source) =>
        (uint)source < (uint)TriggersBySource.Length ? TriggersBySource[(int)source].FindPacks(text, PacksBySource[(int)source]) : 0;

    private static TriggerIndex[] CreateTriggersBySource()
    {
        var indexes = new TriggerIndex[PacksBySource.Length];
        for (int s = 0; s < indexes.Length; s++)
        {
            indexes[s] = new TriggerIndex(Packs, PacksBySource[s]);
        }

        return indexes;
    }

    private static int[] CreatePacksBySource()
    {
        Extraction.SegmentSource[] sources = Enum.GetValues<Extraction.SegmentSource>();
        int[] masks = new int[sources.Length];
        foreach (Extraction.SegmentSource source in sources)
        {
            for (int p = 0; p < Packs.Length; p++)
            {
                if (Packs[p].AppliesTo(source))
                {
                    masks[(int)source] |= 1 << p;
                }
            }
        }

        return masks;
    }

    private static int CountRules()
    {
        int count = 0;
        foreach (RulePack pack in Packs)
        {
            count += pack.Rules.Length;
        }

        return count;
    }
}
