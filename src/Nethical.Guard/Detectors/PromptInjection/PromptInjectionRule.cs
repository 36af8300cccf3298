using System.Buffers;
using System.Text.RegularExpressions;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>The segment sources a rule counts in.</summary>
[Flags]
internal enum SourceMask
{
    None = 0,
    System = 1 << SegmentSource.System,
    User = 1 << SegmentSource.User,
    Assistant = 1 << SegmentSource.Assistant,
    Tool = 1 << SegmentSource.Tool,
    Document = 1 << SegmentSource.Document,

    /// <summary>Text the user did not write: tool output and retrieved documents, where instructions aimed at the model are themselves suspect.</summary>
    Indirect = Tool | Document,
    All = System | User | Assistant | Tool | Document,
}

/// <summary>One tier-1 rule: a regex over normalised (lower-case) text.</summary>
/// <param name="Id">Stable id reported as a reason (<c>pi.override.ignore_previous</c>).</param>
/// <param name="Weight">Confidence in (0, 1] that a match is an attack; strong signals at least 0.6, weak ones below 0.5.</param>
/// <param name="Pattern">Compiled once; bounded quantifiers only, with a match timeout.</param>
/// <param name="Sources">Where a match counts.</param>
/// <param name="Anchors">
/// Substrings of which the pattern cannot match without one: the cheap ordinal test run before the regex, and the pack's
/// share of the one-pass trigger search. Normalised (lower case) like the text.
/// </param>
internal sealed record PromptInjectionRule(string Id, double Weight, Regex Pattern, SourceMask Sources = SourceMask.All, string[]? Anchors = null)
{
    /// <summary>
    /// No pattern match, lookarounds included, spans more than this many characters either side of one of its anchors
    /// (every quantifier in the packs is bounded; the longest rules reach about 800).
    /// </summary>
    internal const int Reach = 1024;

    /// <summary>Texts longer than this are matched in windows around anchor occurrences rather than whole.</summary>
    internal const int WindowedFrom = 4 * Reach;

    private readonly SearchValues<string>? _anchorValues = Anchors is { Length: > 0 } ? SearchValues.Create(Anchors, StringComparison.Ordinal) : null;

    public bool AppliesTo(SegmentSource source) => (Sources & (SourceMask)(1 << (int)source)) != 0;

    /// <summary>False when the text holds none of the anchors, so the pattern cannot match.</summary>
    public bool MayMatch(ReadOnlySpan<char> normalizedText) => _anchorValues is null || normalizedText.ContainsAny(_anchorValues);

    /// <summary>
    /// Whether the pattern matches. A long text is matched only in windows of <see cref="Reach"/> around the anchor
    /// occurrences (every match contains one), so a large document with few anchors costs little more than the anchor
    /// search; where anchors are dense the whole text is matched once. Throws <see cref="RegexMatchTimeoutException"/>.
    /// </summary>
    public bool IsMatch(string normalizedText)
    {
        ReadOnlySpan<char> text = normalizedText;
        if (text.Length < WindowedFrom || _anchorValues is null)
        {
            return Pattern.IsMatch(text);
        }

        int position = 0;
        int windowed = 0;
        while (position < text.Length)
        {
            int relative = text[position..].IndexOfAny(_anchorValues);
            if (relative < 0)
            {
                return false;
            }

            // This window holds every match around an anchor in [at, at + Reach]: the next search starts past that.
            int at = position + relative;
            int start = SnapBack(text, Math.Max(0, at - Reach));
            int end = Math.Min(text.Length, at + (2 * Reach));
            windowed += end - start;
            if (windowed > text.Length / 2)
            {
                // Anchors are dense: one pass over the rest costs less than many overlapping windows.
                return Pattern.IsMatch(text[start..]);
            }

            if (Pattern.IsMatch(text[start..end]))
            {
                return true;
            }

            position = at + Reach + 1;
        }

        return false;
    }

    /// <summary>Moves a window start back to just after a space (within a short distance) so it does not cut a word.</summary>
    private static int SnapBack(ReadOnlySpan<char> text, int start)
    {
        if (start == 0)
        {
            return 0;
        }

        int from = Math.Max(0, start - 64);
        int space = text[from..start].LastIndexOf(' ');
        return space < 0 ? start : from + space + 1;
    }
}
