using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Normalization;

/// <summary>Turns extracted segments into the canonical text the detectors match against.</summary>
/// <remarks>
/// Stateless and thread-safe. The canonical form is: invisible characters removed (zero-width, bidi controls, tag
/// characters, soft hyphen, variation selectors, anything in category Format, C0/C1 controls), NFKC (which also folds
/// fullwidth and mathematical letters), Cyrillic/Greek/small-capital look-alikes folded to Latin, typographic quotes and
/// dashes folded to ASCII, lower case (invariant), whitespace runs collapsed to one space and trimmed. Accents are kept.
/// </remarks>
internal sealed class TextNormalizer
{
    private const int StackBufferChars = 512;

    private readonly NormalizerLimits _limits;

    public TextNormalizer()
        : this(NormalizerLimits.Default)
    {
    }

    internal TextNormalizer(NormalizerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>Normalises one string.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the instance API the host calls.")]
    public string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NormalizeCore(text, collapseWhitespace: true);
    }

    /// <summary>
    /// Appends the normalised form of every segment, and of every encoded run decoded out of it, to <paramref name="output"/>.
    /// </summary>
    /// <remarks>
    /// The normalised originals come first, in order. Then, per segment: a <see cref="DerivedEncodings.LetterSpacing"/>
    /// variant when the text holds letter-spaced words, and one derived segment per base64, hex or percent-encoded run
    /// that decodes to printable text (recursing into decoded text up to <see cref="NormalizerLimits.MaxDepth"/>).
    /// Derived segments keep the original's source, role and path and carry the encoding name.
    /// </remarks>
    public void Normalize(IReadOnlyList<PromptSegment> segments, List<NormalizedSegment> output)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(output);

        int first = output.Count;
        int count = segments.Count;
        for (int i = 0; i < count; i++)
        {
            PromptSegment segment = segments[i];
            output.Add(new NormalizedSegment(segment, NormalizeCore(segment.Text ?? string.Empty, collapseWhitespace: true)));
        }

        var budget = new DerivationBudget(_limits.MaxDerivedSegments, _limits.MaxDecodedBytes);
        for (int i = 0; i < count && !budget.Exhausted; i++)
        {
            PromptSegment segment = segments[i];
            if (string.IsNullOrEmpty(segment.Text))
            {
                continue;
            }

            AddLetterSpacingVariant(segment, output[first + i].Text, output, ref budget);
            AddCipherVariants(segment, output[first + i].Text, output, ref budget);
            if (_limits.MaxDepth > 0)
            {
                AddDecodedRuns(segment, depth: 1, output, ref budget);
            }
        }

        if (budget.Spent && count > 0)
        {
            // Conservative: reaching the allowance at all is flagged, since what lay past it was not decoded.
            var marker = segments[count - 1] with { Text = string.Empty, Encoding = DerivedEncodings.DecodeBudgetExhausted };
            output.Add(new NormalizedSegment(marker, string.Empty));
        }
    }

    private void AddDecodedRuns(PromptSegment origin, int depth, List<NormalizedSegment> output, ref DerivationBudget budget)
    {
        List<DecodedRun>? runs = null;
        EncodedRunDecoder.Scan(origin.Text, _limits.MinRunLength, ref budget, ref runs);
        if (runs is null)
        {
            return;
        }

        foreach (DecodedRun run in runs)
        {
            var derived = new PromptSegment(run.Text, origin.Source, origin.Role, origin.Path, run.Encoding);
            string normalized = NormalizeCore(run.Text, collapseWhitespace: true);
            if (normalized.Length == 0)
            {
                continue;
            }

            output.Add(new NormalizedSegment(derived, normalized));
            AddLetterSpacingVariant(derived, normalized, output, ref budget);
            if (depth < _limits.MaxDepth && !budget.Exhausted)
            {
                AddDecodedRuns(derived, depth + 1, output, ref budget);
            }
        }
    }

    /// <summary>
    /// ROT13 (when the text names it) and leetspeak read back into letters, each one derived segment. Only for texts up
    /// to <see cref="SubstitutionCiphers.MaxChars"/> characters, charged to the decoded-bytes allowance like any
    /// decoding; a longer or over-budget text is skipped without spending the allowance (a benign long document that
    /// mentions ROT13 must not be flagged for exhausting it). Tier 2 still reads such text.
    /// </summary>
    private static void AddCipherVariants(PromptSegment segment, string normalized, List<NormalizedSegment> output, ref DerivationBudget budget)
    {
        if (normalized.Length > SubstitutionCiphers.MaxChars)
        {
            return;
        }
        if (!budget.Exhausted && normalized.Length <= budget.Bytes && SubstitutionCiphers.MentionsRot13(normalized))
        {
            budget.Segments--;
            budget.Bytes -= normalized.Length;
            output.Add(new NormalizedSegment(segment with { Encoding = DerivedEncodings.Rot13 }, SubstitutionCiphers.Rot13(normalized)));
        }
        if (!budget.Exhausted && normalized.Length <= budget.Bytes && SubstitutionCiphers.LooksLeet(normalized))
        {
            var plain = SubstitutionCiphers.Deleet(normalized);
            if (!string.Equals(plain, normalized, StringComparison.Ordinal))
            {
                budget.Segments--;
                budget.Bytes -= normalized.Length;
                output.Add(new NormalizedSegment(segment with { Encoding = DerivedEncodings.Leetspeak }, plain));
            }
        }
    }

    private static void AddLetterSpacingVariant(PromptSegment segment, string normalized, List<NormalizedSegment> output, ref DerivationBudget budget)
    {
        if (budget.Exhausted || !LetterSpacing.HasSpacedRun(normalized))
        {
            return;
        }

        string joined = LetterSpacing.Join(NormalizeCore(segment.Text, collapseWhitespace: false));
        if (joined.Length == 0 || string.Equals(joined, normalized, StringComparison.Ordinal))
        {
            return;
        }

        budget.Segments--;
        output.Add(new NormalizedSegment(segment with { Encoding = DerivedEncodings.LetterSpacing }, joined));
    }

    internal static string NormalizeCore(string text, bool collapseWhitespace)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        if (Ascii.IsValid(text))
        {
            return Fold(text, collapseWhitespace, ascii: true);
        }

        string visible = StripInvisible(text);
        string composed;
        try
        {
            composed = visible.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // StripInvisible already replaced unpaired surrogates; anything else ICU rejects is left as it is.
            composed = visible;
        }

        return Fold(composed, collapseWhitespace, ascii: false);
    }

    /// <summary>Lower case, homoglyphs folded, controls dropped, whitespace collapsed (or mapped to spaces).</summary>
    private static string Fold(string text, bool collapseWhitespace, bool ascii)
    {
        char[]? rented = null;
        Span<char> buffer = text.Length <= StackBufferChars
            ? stackalloc char[StackBufferChars]
            : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        try
        {
            int w = 0;
            bool pendingSpace = false;
            foreach (char raw in text)
            {
                char c = raw;
                if (c < 0x80)
                {
                    if (c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f')
                    {
                        if (collapseWhitespace)
                        {
                            pendingSpace = w > 0;
                        }
                        else
                        {
                            buffer[w++] = ' ';
                        }

                        continue;
                    }

                    if (c < 0x20 || c == 0x7F)
                    {
                        continue;
                    }

                    if (c is >= 'A' and <= 'Z')
                    {
                        c = (char)(c | 0x20);
                    }
                }
                else if (!ascii)
                {
                    if (char.IsWhiteSpace(c))
                    {
                        if (collapseWhitespace)
                        {
                            pendingSpace = w > 0;
                        }
                        else
                        {
                            buffer[w++] = ' ';
                        }

                        continue;
                    }

                    if (char.IsControl(c))
                    {
                        continue;
                    }

                    char folded = Homoglyphs.Fold(c);
                    c = folded != c ? folded : Homoglyphs.Fold(char.ToLowerInvariant(c));
                }

                if (pendingSpace)
                {
                    buffer[w++] = ' ';
                    pendingSpace = false;
                }

                buffer[w++] = c;
            }

            ReadOnlySpan<char> result = buffer[..w];
            return result.SequenceEqual(text) ? text : new string(result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Removes invisible characters and replaces unpaired surrogates with U+FFFD; returns the input when nothing changes.</summary>
    private static string StripInvisible(string text)
    {
        int firstChange = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (NeedsChange(text, i, out int width))
            {
                firstChange = i;
                break;
            }

            i += width - 1;
        }

        if (firstChange < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, firstChange);
        for (int i = firstChange; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (!IsInvisible(char.ConvertToUtf32(c, text[i + 1])))
                {
                    builder.Append(c).Append(text[i + 1]);
                }

                i++;
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else if (!IsInvisible(c) && !(char.IsControl(c) && !char.IsWhiteSpace(c)))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsChange(string text, int i, out int width)
    {
        char c = text[i];
        width = 1;
        if (c < 0x80)
        {
            return c < 0x20 ? !char.IsWhiteSpace(c) : c == 0x7F;
        }

        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                return IsInvisible(char.ConvertToUtf32(c, text[i + 1]));
            }

            return true;
        }

        return char.IsLowSurrogate(c) || IsInvisible(c) || (char.IsControl(c) && !char.IsWhiteSpace(c));
    }

    /// <summary>Zero-width and bidi controls, tag characters, soft hyphen and the rest of category Format, plus invisible fillers and variation selectors.</summary>
    private static bool IsInvisible(int codePoint) =>
        codePoint is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0
            or (>= 0xFE00 and <= 0xFE0F)
            or (>= 0xE0000 and <= 0xE007F)
            or (>= 0xE0100 and <= 0xE01EF)
        || CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Format;
}
