using System.Buffers;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>
/// One multi-string search over the triggers of every pack: returns which packs have a trigger in a text, so text that
/// triggers nothing costs a single pass however many packs there are.
/// </summary>
internal sealed class TriggerIndex
{
    private readonly SearchValues<string> _ascii;
    private readonly SearchValues<string>? _nonAscii;
    private readonly Dictionary<char, Entry[]> _byFirstChar;

    /// <param name="packs">All packs; bit <c>p</c> of a mask is <c>packs[p]</c>.</param>
    /// <param name="include">The packs whose triggers are indexed (a mask); the others are never reported.</param>
    public TriggerIndex(IReadOnlyList<RulePack> packs, int include)
    {
        if (packs.Count > 31)
        {
            throw new ArgumentException("At most 31 packs fit the pack mask.", nameof(packs));
        }

        var masks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int p = 0; p < packs.Count; p++)
        {
            if ((include & (1 << p)) == 0)
            {
                continue;
            }

            foreach (string trigger in packs[p].TriggerWords)
            {
                masks[trigger] = masks.GetValueOrDefault(trigger) | (1 << p);
            }
        }

        var byFirstChar = new Dictionary<char, List<Entry>>();
        foreach (KeyValuePair<string, int> pair in masks)
        {
            if (!byFirstChar.TryGetValue(pair.Key[0], out List<Entry>? entries))
            {
                entries = [];
                byFirstChar.Add(pair.Key[0], entries);
            }

            entries.Add(new Entry(pair.Key, pair.Value));
        }

        _byFirstChar = new Dictionary<char, Entry[]>(byFirstChar.Count);
        foreach (KeyValuePair<char, List<Entry>> pair in byFirstChar)
        {
            _byFirstChar.Add(pair.Key, [.. pair.Value]);
        }

        // Non-ASCII triggers (accented words) slow the multi-string search down for every text; they get their own
        // search, run only on text that has a non-ASCII character.
        var ascii = new List<string>();
        var nonAscii = new List<string>();
        foreach (string trigger in masks.Keys)
        {
            (System.Text.Ascii.IsValid(trigger) ? ascii : nonAscii).Add(trigger);
        }

        _ascii = SearchValues.Create(ascii.ToArray(), StringComparison.Ordinal);
        _nonAscii = nonAscii.Count > 0 ? SearchValues.Create(nonAscii.ToArray(), StringComparison.Ordinal) : null;
        Include = include;
    }

    /// <summary>The packs this index reports.</summary>
    public int Include { get; }

    /// <summary>The subset of <paramref name="wanted"/> (bit <c>p</c> = pack <c>p</c>) with a trigger in <paramref name="text"/>.</summary>
    public int FindPacks(ReadOnlySpan<char> text, int wanted)
    {
        wanted &= Include;
        int found = Search(text, _ascii, wanted, 0);
        if (_nonAscii is not null && (found & wanted) != wanted && text.ContainsAnyExceptInRange('\0', '\x7F'))
        {
            found = Search(text, _nonAscii, wanted, found);
        }

        return found & wanted;
    }

    private int Search(ReadOnlySpan<char> text, SearchValues<string> values, int wanted, int found)
    {
        int i = 0;
        while (i < text.Length && (found & wanted) != wanted)
        {
            int relative = text[i..].IndexOfAny(values);
            if (relative < 0)
            {
                break;
            }

            int at = i + relative;
            ReadOnlySpan<char> rest = text[at..];
            foreach (Entry entry in _byFirstChar[text[at]])
            {
                if (rest.StartsWith(entry.Trigger, StringComparison.Ordinal))
                {
                    found |= entry.PackMask;
                }
            }

            i = at + 1;
        }

        return found;
    }

    private readonly record struct Entry(string Trigger, int PackMask);
}
