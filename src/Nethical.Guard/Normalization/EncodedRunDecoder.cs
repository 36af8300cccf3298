using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Nethical.Guard.Normalization;

/// <summary>What is left of a request's allowance for derived segments.</summary>
internal struct DerivationBudget
{
    public int Segments;
    public int Bytes;

    public DerivationBudget(int segments, int bytes)
    {
        Segments = segments;
        Bytes = bytes;
    }

    public readonly bool Exhausted => Segments <= 0;

    /// <summary>True once either allowance is spent: later runs (or the rest of a long one) go undecoded.</summary>
    public readonly bool Spent => Segments <= 0 || Bytes < EncodedRunDecoder.MinDecodedBytes;
}

/// <summary>A run of encoded text found in a segment, decoded to text.</summary>
internal readonly record struct DecodedRun(string Text, string Encoding);

/// <summary>
/// Finds base64 (standard and URL-safe), hex (contiguous, <c>\x</c>-escaped or space-separated) and percent-encoded
/// runs in a text and decodes those that decode to printable UTF-8 text. Binary payloads and non-text
/// <c>data:</c> URLs are skipped. Work is linear in the text; output is bounded by a <see cref="DerivationBudget"/>.
/// </summary>
internal static class EncodedRunDecoder
{
    internal const int MinDecodedBytes = 8;
    private const int DataUrlLookBehind = 256;

    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";

    /// <summary>ASCII lookup for the union of the standard and URL-safe base64 alphabets (a scalar scan beats per-word vector calls on prose).</summary>
    private static readonly bool[] Base64Table = CreateTable(Base64Chars);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Appends every decodable run in <paramref name="text"/> to <paramref name="found"/> (created on first use),
    /// charging each against <paramref name="budget"/>.
    /// </summary>
    public static void Scan(string text, int minRunLength, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        if (text.Length < minRunLength / 2 || budget.Exhausted || budget.Bytes < MinDecodedBytes)
        {
            return;
        }

        ScanUnicodeTags(text, ref budget, ref found);
        ScanPercent(text, ref budget, ref found);
        ScanEscapedHex(text, ref budget, ref found);
        ScanSpacedHex(text, ref budget, ref found);
        ScanBase64AndHex(text, minRunLength, ref budget, ref found);
    }

    private static void ScanBase64AndHex(string text, int minRunLength, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        ReadOnlySpan<char> s = text;
        bool[] table = Base64Table;
        int n = s.Length;
        int i = 0;
        while (i < n && !budget.Exhausted && budget.Bytes >= MinDecodedBytes)
        {
            char c = s[i];
            if (c >= 128 || !table[c])
            {
                i++;
                continue;
            }

            int start = i;
            while (i < n && s[i] < 128 && table[s[i]])
            {
                i++;
            }

            int end = i;
            while (i < n && i - end < 2 && s[i] == '=')
            {
                i++;
            }

            if (end - start < minRunLength || IsNonTextDataUrl(s, start))
            {
                continue;
            }

            ReadOnlySpan<char> run = s[start..end];
            if (run.IndexOfAnyExcept(HexDigits) < 0 && TryDecodeContiguousHex(run, ref budget, ref found))
            {
                continue;
            }

            TryDecodeBase64(run, ref budget, ref found);
        }
    }

    private static bool TryDecodeBase64(ReadOnlySpan<char> run, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        int length = run.Length;
        if (length % 4 == 1)
        {
            length--;
        }

        int maxChars = budget.Bytes / 3 * 4;
        if (length > maxChars)
        {
            length = maxChars;
        }

        if (length < 12)
        {
            return false;
        }

        int padded = (length + 3) & ~3;
        char[] chars = ArrayPool<char>.Shared.Rent(padded);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(padded / 4 * 3);
        try
        {
            for (int k = 0; k < length; k++)
            {
                char c = run[k];
                chars[k] = c switch
                {
                    '-' => '+',
                    '_' => '/',
                    _ => c,
                };
            }

            for (int k = length; k < padded; k++)
            {
                chars[k] = '=';
            }

            if (!Convert.TryFromBase64Chars(chars.AsSpan(0, padded), bytes, out int written))
            {
                return false;
            }

            return Accept(bytes.AsSpan(0, written), DerivedEncodings.Base64, ref budget, ref found);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars, clearArray: true);
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    private static bool TryDecodeContiguousHex(ReadOnlySpan<char> run, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        int count = Math.Min(run.Length / 2, budget.Bytes);
        if (count < MinDecodedBytes)
        {
            return false;
        }

        return AcceptHexPairs(run, first: 0, stride: 2, count, ref budget, ref found);
    }

    /// <summary>
    /// Decodes <paramref name="count"/> two-digit hex pairs, the first at <paramref name="first"/> and each
    /// <paramref name="stride"/> characters after the last (2 contiguous, 3 space-separated, 4 <c>\x</c>-escaped).
    /// </summary>
    private static bool AcceptHexPairs(ReadOnlySpan<char> s, int first, int stride, int count, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            for (int k = 0; k < count; k++)
            {
                int p = first + (stride * k);
                bytes[k] = (byte)((HexValue(s[p]) << 4) | HexValue(s[p + 1]));
            }

            return Accept(bytes.AsSpan(0, count), DerivedEncodings.Hex, ref budget, ref found);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    /// <summary><c>\x69\x67\x6e...</c>: at least <see cref="MinDecodedBytes"/> escapes in a row.</summary>
    private static void ScanEscapedHex(string text, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        ReadOnlySpan<char> s = text;
        int i = 0;
        while (i < s.Length && !budget.Exhausted && budget.Bytes >= MinDecodedBytes)
        {
            int rel = s[i..].IndexOf('\\');
            if (rel < 0)
            {
                return;
            }

            int start = i + rel;
            int j = start;
            int count = 0;
            while (j + 3 < s.Length && s[j] == '\\' && (s[j + 1] | 0x20) == 'x' && IsHex(s[j + 2]) && IsHex(s[j + 3]))
            {
                count++;
                j += 4;
            }

            i = count == 0 ? start + 1 : j;
            if (count < MinDecodedBytes)
            {
                continue;
            }

            count = Math.Min(count, budget.Bytes);
            AcceptHexPairs(s, first: start + 2, stride: 4, count, ref budget, ref found);
        }
    }

    /// <summary><c>69 67 6e 6f ...</c>: at least <see cref="MinDecodedBytes"/> two-digit groups separated by single spaces.</summary>
    private static void ScanSpacedHex(string text, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        ReadOnlySpan<char> s = text;
        int n = s.Length;
        int i = 0;
        while (i + 2 < n && !budget.Exhausted && budget.Bytes >= MinDecodedBytes)
        {
            // Candidates end right before a space: find the next space and look two characters back.
            int space = s[(i + 2)..].IndexOf(' ');
            if (space < 0)
            {
                return;
            }

            i += space;
            if (!(IsHex(s[i]) && IsHex(s[i + 1]) && (i == 0 || !char.IsLetterOrDigit(s[i - 1]))))
            {
                i += 1;
                continue;
            }

            int start = i;
            int j = i;
            int count = 0;
            while (j + 1 < n && IsHex(s[j]) && IsHex(s[j + 1]) && (j + 2 == n || !char.IsLetterOrDigit(s[j + 2])))
            {
                count++;
                if (j + 3 < n && s[j + 2] == ' ' && IsHex(s[j + 3]))
                {
                    j += 3;
                }
                else
                {
                    j += 2;
                    break;
                }
            }

            i = Math.Max(j, start + 1);
            if (count < MinDecodedBytes)
            {
                continue;
            }

            count = Math.Min(count, budget.Bytes);
            AcceptHexPairs(s, first: start, stride: 3, count, ref budget, ref found);
        }
    }

    /// <summary>
    /// When some whitespace-delimited token holds at least three <c>%XX</c> escapes, the whole text is URL-decoded
    /// (escapes decoded, and <c>+</c> read as a space in tokens that hold an escape) into one derived run, so a
    /// partly encoded sentence is seen whole.
    /// </summary>
    private static void ScanPercent(string text, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        ReadOnlySpan<char> s = text;
        int first = s.IndexOf('%');
        if (first < 0 || !HasPercentToken(s[first..]))
        {
            return;
        }

        // Characters before decoding are at least as many as bytes after, except for non-ASCII text; cap the input.
        ReadOnlySpan<char> input = s.Length > budget.Bytes ? s[..budget.Bytes] : s;
        if (input.Length > 0 && char.IsHighSurrogate(input[^1]))
        {
            input = input[..^1];
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(input.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(input, bytes);
            int w = 0;
            int r = 0;
            while (r < length)
            {
                if (IsAsciiSpace(bytes[r]))
                {
                    bytes[w++] = bytes[r++];
                    continue;
                }

                int tokenEnd = r;
                bool escaped = false;
                while (tokenEnd < length && !IsAsciiSpace(bytes[tokenEnd]))
                {
                    if (bytes[tokenEnd] == '%' && tokenEnd + 2 < length && IsHex((char)bytes[tokenEnd + 1]) && IsHex((char)bytes[tokenEnd + 2]))
                    {
                        escaped = true;
                    }

                    tokenEnd++;
                }

                while (r < tokenEnd)
                {
                    byte b = bytes[r];
                    if (escaped && b == '%' && r + 2 < tokenEnd && IsHex((char)bytes[r + 1]) && IsHex((char)bytes[r + 2]))
                    {
                        bytes[w++] = (byte)((HexValue((char)bytes[r + 1]) << 4) | HexValue((char)bytes[r + 2]));
                        r += 3;
                    }
                    else
                    {
                        bytes[w++] = escaped && b == '+' ? (byte)' ' : b;
                        r++;
                    }
                }
            }

            Accept(bytes.AsSpan(0, Math.Min(w, budget.Bytes)), DerivedEncodings.Percent, ref budget, ref found);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    /// <summary>
    /// ASCII smuggled as Unicode tag characters (U+E0020-U+E007E), invisible when rendered and removed from the
    /// normalised text: the hidden characters are read out, in order, as one derived run.
    /// </summary>
    private static void ScanUnicodeTags(string text, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        const char TagHighSurrogate = '\uDB40';
        ReadOnlySpan<char> s = text;
        int first = s.IndexOf(TagHighSurrogate);
        if (first < 0)
        {
            return;
        }

        int max = Math.Min(budget.Bytes, (s.Length - first) / 2);
        if (max < MinDecodedBytes)
        {
            return;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int count = 0;
            for (int i = first; i + 1 < s.Length && count < max; i++)
            {
                if (s[i] != TagHighSurrogate || !char.IsLowSurrogate(s[i + 1]))
                {
                    continue;
                }

                int codePoint = char.ConvertToUtf32(s[i], s[i + 1]);
                if (codePoint is >= 0xE0020 and <= 0xE007E)
                {
                    bytes[count++] = (byte)(codePoint - 0xE0000);
                }

                i++;
            }

            Accept(bytes.AsSpan(0, count), DerivedEncodings.UnicodeTags, ref budget, ref found);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    private static bool HasPercentToken(ReadOnlySpan<char> s)
    {
        int i = 0;
        while (i < s.Length)
        {
            int rel = s[i..].IndexOf('%');
            if (rel < 0)
            {
                return false;
            }

            // Count the escapes of the whitespace-delimited token that starts at this '%'.
            int escapes = 0;
            int j = i + rel;
            while (j < s.Length && !char.IsWhiteSpace(s[j]))
            {
                if (s[j] == '%' && j + 2 < s.Length && IsHex(s[j + 1]) && IsHex(s[j + 2]))
                {
                    if (++escapes >= 3)
                    {
                        return true;
                    }

                    j += 3;
                }
                else
                {
                    j++;
                }
            }

            i = j;
        }

        return false;
    }

    private static bool[] CreateTable(string chars)
    {
        bool[] table = new bool[128];
        foreach (char c in chars)
        {
            table[c] = true;
        }

        return table;
    }

    /// <summary>True when the run at <paramref name="start"/> is the payload of a <c>data:</c> URL whose type is not text.</summary>
    private static bool IsNonTextDataUrl(ReadOnlySpan<char> s, int start)
    {
        const string marker = ";base64,";
        if (start < marker.Length || !s[(start - marker.Length)..start].Equals(marker, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int windowStart = Math.Max(0, start - DataUrlLookBehind);
        ReadOnlySpan<char> window = s[windowStart..(start - marker.Length)];
        int data = window.LastIndexOf("data:", StringComparison.OrdinalIgnoreCase);
        if (data < 0)
        {
            return false;
        }

        ReadOnlySpan<char> mime = window[(data + 5)..];
        int semicolon = mime.IndexOf(';');
        if (semicolon >= 0)
        {
            mime = mime[..semicolon];
        }

        bool textual = mime.IsEmpty
            || mime.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mime.Contains("json", StringComparison.OrdinalIgnoreCase)
            || mime.Contains("xml", StringComparison.OrdinalIgnoreCase)
            || mime.Contains("javascript", StringComparison.OrdinalIgnoreCase);
        return !textual;
    }

    /// <summary>Keeps <paramref name="bytes"/> as a run when they are printable UTF-8 text.</summary>
    private static bool Accept(ReadOnlySpan<byte> bytes, string encoding, ref DerivationBudget budget, ref List<DecodedRun>? found)
    {
        if (budget.Exhausted)
        {
            return false;
        }

        string? text = TryDecodeText(bytes);
        if (text is null)
        {
            return false;
        }

        budget.Segments--;
        budget.Bytes -= bytes.Length;
        (found ??= []).Add(new DecodedRun(text, encoding));
        return true;
    }

    /// <summary>UTF-8 text that is mostly letters, with few control characters; null for binary.</summary>
    internal static string? TryDecodeText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < MinDecodedBytes)
        {
            return null;
        }

        int controls = 0;
        foreach (byte b in bytes)
        {
            if ((b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r') || b == 0x7F)
            {
                controls++;
            }
        }

        if (controls * 20 > bytes.Length)
        {
            return null;
        }

        if (!Utf8.IsValid(bytes))
        {
            // A run cut short by the byte budget may end inside a sequence; anything else invalid is binary.
            int cut = bytes.Length - 1;
            while (cut > 0 && cut > bytes.Length - 4 && (bytes[cut] & 0xC0) == 0x80)
            {
                cut--;
            }

            bytes = bytes[..cut];
            if (!Utf8.IsValid(bytes))
            {
                return null;
            }
        }

        string text = Encoding.UTF8.GetString(bytes);
        int letters = 0;
        int visible = 0;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            visible++;
            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters >= 4 && letters * 2 >= visible ? text : null;
    }

    private static bool IsAsciiSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
