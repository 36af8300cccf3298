using System.Buffers;

namespace Nethical.Guard.Normalization;

/// <summary>
/// Undoes letter-spacing obfuscation: "i g n o r e  a l l" or "i.g.n.o.r.e a.l.l" becomes "ignore all". A run is at
/// least <see cref="MinRunLetters"/> single letters joined by one repeated separator; a different or longer separator
/// between two such groups is read as a word break.
/// </summary>
internal static class LetterSpacing
{
    public const int MinRunLetters = 4;

    /// <summary>Cheap test on collapsed, normalised text: is there any run worth joining?</summary>
    public static bool HasSpacedRun(ReadOnlySpan<char> s)
    {
        int run = 0;
        int i = 0;
        while (i < s.Length)
        {
            if (IsSingle(s, i))
            {
                run++;
                if (run >= MinRunLetters)
                {
                    return true;
                }

                if (i + 2 < s.Length && IsSeparator(s[i + 1]) && IsSingle(s, i + 2))
                {
                    i += 2;
                    continue;
                }
            }

            run = 0;
            i++;
        }

        return false;
    }

    /// <summary>Joins the spaced runs of <paramref name="s"/> (normalised but not whitespace-collapsed), then collapses whitespace.</summary>
    public static string Join(ReadOnlySpan<char> s)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(s.Length + 1);
        try
        {
            int w = 0;
            int i = 0;
            int n = s.Length;
            while (i < n)
            {
                if (!IsSingle(s, i) || CountRun(s, i) < MinRunLetters)
                {
                    w = Append(buffer, w, s[i]);
                    i++;
                    continue;
                }

                char separator = s[i + 1];
                while (true)
                {
                    w = Append(buffer, w, s[i]);
                    int j = i + 1;
                    if (j + 1 < n && s[j] == separator && IsSingle(s, j + 1))
                    {
                        i = j + 1;
                        continue;
                    }

                    int k = j;
                    while (k < n && k - j < 4 && IsSeparator(s[k]))
                    {
                        k++;
                    }

                    if (k > j && k + 2 < n && IsSingle(s, k) && s[k + 1] == separator && IsSingle(s, k + 2))
                    {
                        w = Append(buffer, w, ' ');
                        i = k;
                        continue;
                    }

                    i = j;
                    break;
                }
            }

            if (w > 0 && buffer[w - 1] == ' ')
            {
                w--;
            }

            return new string(buffer, 0, w);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends with whitespace collapsed to single spaces and no leading space.</summary>
    private static int Append(char[] buffer, int w, char c)
    {
        if (char.IsWhiteSpace(c))
        {
            if (w == 0 || buffer[w - 1] == ' ')
            {
                return w;
            }

            c = ' ';
        }

        buffer[w] = c;
        return w + 1;
    }

    private static int CountRun(ReadOnlySpan<char> s, int i)
    {
        if (i + 1 >= s.Length || !IsSeparator(s[i + 1]))
        {
            return 1;
        }

        char separator = s[i + 1];
        int count = 1;
        while (i + 2 < s.Length && s[i + 1] == separator && IsSingle(s, i + 2))
        {
            count++;
            i += 2;
        }

        return count;
    }

    private static bool IsSingle(ReadOnlySpan<char> s, int i) =>
        IsLetterOrDigit(s[i])
        && (i + 1 == s.Length || !IsWordChar(s[i + 1]))
        && (i == 0 || !IsWordChar(s[i - 1]));

    private static bool IsLetterOrDigit(char c) => c < 128 ? char.IsAsciiLetterOrDigit(c) : char.IsLetterOrDigit(c);

    private static bool IsWordChar(char c) =>
        c < 128
            ? char.IsAsciiLetterOrDigit(c)
            : char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark;

    private static bool IsSeparator(char c) => c is ' ' or '.' or '-' or '_' or '*' or '|' or '/' or '+' or '~' or '\u00A0';
}
