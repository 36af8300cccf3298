namespace Nethical.Guard.Normalization;

/// <summary>
/// Undoes two letter-for-letter disguises on normalised (lower-case) text: ROT13, when the text names it (an attacker
/// has to tell the model to decode it), and leetspeak ("1gn0r3 4ll pr3v10u5"), when several words mix letters with the
/// digits that stand in for them. Each gives one derived segment for the detectors; the original is screened as well.
/// </summary>
internal static class SubstitutionCiphers
{
    private const int MinLeetWords = 3;

    /// <summary>The longest text the cipher variants are made for.</summary>
    public const int MaxChars = 16_384;

    /// <summary>Whether the text names ROT13 (<c>rot13</c>, <c>rot-13</c>, <c>rot 13</c>).</summary>
    public static bool MentionsRot13(ReadOnlySpan<char> normalized)
        => normalized.Contains("rot13", StringComparison.Ordinal)
           || normalized.Contains("rot-13", StringComparison.Ordinal)
           || normalized.Contains("rot 13", StringComparison.Ordinal);

    public static string Rot13(ReadOnlySpan<char> text)
        => string.Create(text.Length, text.ToString(), static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                destination[i] = c switch
                {
                    >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
                    >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
                    _ => c,
                };
            }
        });

    /// <summary>
    /// True when at least three words of three or more characters mix letters with leet digits (0 1 3 4 5 7) or
    /// <c>@ $</c> next to a letter: "1gn0r3" or "pr3v10u5", but not "mp3 h264 v1" alone.
    /// </summary>
    public static bool LooksLeet(ReadOnlySpan<char> normalized)
    {
        var words = 0;
        foreach (var range in normalized.Split(' '))
        {
            var word = normalized[range];
            if (word.Length >= 3 && IsLeetWord(word) && ++words >= MinLeetWords)
            {
                return true;
            }
        }
        return false;
    }

    public static string Deleet(ReadOnlySpan<char> text)
        => string.Create(text.Length, text.ToString(), static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = source[i] switch
                {
                    '4' or '@' => 'a',
                    '3' => 'e',
                    '1' or '!' => 'i',
                    '0' => 'o',
                    '5' or '$' => 's',
                    '7' => 't',
                    var c => c,
                };
            }
        });

    private static bool IsLeetWord(ReadOnlySpan<char> word)
    {
        var letters = 0;
        var leetNextToLetter = false;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (char.IsLetter(c))
            {
                letters++;
            }
            else if (c is '0' or '1' or '3' or '4' or '5' or '7' or '@' or '$')
            {
                var before = i > 0 && char.IsLetter(word[i - 1]);
                var after = i + 1 < word.Length && char.IsLetter(word[i + 1]);
                leetNextToLetter |= before || after;
            }
        }
        return letters >= 2 && leetNextToLetter;
    }
}
