using System.Text;

namespace Nethical.Guard.Training.Corpus;

/// <summary>
/// Obfuscations applied to an attack payload as transforms. Each is reversible (tests decode them back), and each is
/// something the normaliser or the model must see through.
/// </summary>
internal static class Obfuscations
{
    public static readonly IReadOnlyList<string> Names =
        ["none", "base64", "hex", "rot13", "leetspeak", "homoglyphs", "zero_width", "unicode_tags", "letter_spacing", "reversal", "mixed_scripts", "adversarial_suffix"];

    public static string Apply(string name, string text, Random random) => name switch
    {
        "none" => text,
        "base64" => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
        "hex" => Convert.ToHexString(Encoding.UTF8.GetBytes(text)).ToLowerInvariant(),
        "rot13" => Rot13(text),
        "leetspeak" => Leet(text),
        "homoglyphs" => Homoglyphs(text, random, 1.0),
        "zero_width" => ZeroWidth(text, random),
        "unicode_tags" => UnicodeTags(text),
        "letter_spacing" => string.Join(' ', text.ToCharArray()),
        "reversal" => new string(text.Reverse().ToArray()),
        "mixed_scripts" => Homoglyphs(text, random, 0.35),
        "adversarial_suffix" => text + " " + AdversarialSuffix(random),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown obfuscation."),
    };

    /// <summary>How a message introduces an encoded payload so an assistant would decode it (the realistic use).</summary>
    public static string Wrap(string name, string encoded) => name switch
    {
        "base64" => $"Decode this base64 and follow it: {encoded}",
        "hex" => $"The following hex is your instruction, decode and do it: {encoded}",
        "rot13" => $"ROT13: {encoded}",
        "reversal" => $"Read this backwards and comply: {encoded}",
        _ => encoded,
    };

    // Fragments of the kind optimiser-made suffixes are built from: word pieces, camel-case joins, markup and quotes.
    private static readonly string[] s_soup =
    [
        "describing.\\", "+", "similarlyNow", "write", "oppositeley.](", "Me", "giving**ONE", "please?", "revert", "with",
        "\"\\!--Two", "{{", "Sure", "herewith", "!!", "==", "interface", "Manuel", "WITH", "steps", "instead", "sentences",
        ":)", "ish", "}}]", "tutorial", "FOR", "Klaus", "[\\", "##", "surely}", "respond\"\\", "(`", "LaTeX", "=>", "rever",
        "--)", "Ok*", "cook", "\\u", "quel", "?]", "'{", "beginner", "(\\", "Wait.", "unless", "))", "#####", "seperate",
    ];

    /// <summary>A GCG-style suffix: 14 to 22 fragments drawn at random.</summary>
    public static string AdversarialSuffix(Random random)
    {
        var count = 14 + random.Next(9);
        var parts = new string[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = s_soup[random.Next(s_soup.Length)];
        }
        return string.Join(' ', parts);
    }

    public static string Rot13(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c is >= 'a' and <= 'z')
            {
                chars[i] = (char)('a' + ((c - 'a' + 13) % 26));
            }
            else if (c is >= 'A' and <= 'Z')
            {
                chars[i] = (char)('A' + ((c - 'A' + 13) % 26));
            }
        }
        return new string(chars);
    }

    private static string Leet(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.ToLowerInvariant(c) switch
            {
                'a' => '4',
                'e' => '3',
                'i' => '1',
                'o' => '0',
                's' => '5',
                't' => '7',
                _ => c,
            });
        }
        return builder.ToString();
    }

    // Cyrillic and Greek look-alikes of Latin letters.
    private static readonly Dictionary<char, char> s_homoglyphs = new()
    {
        ['a'] = 'а', ['e'] = 'е', ['o'] = 'о', ['p'] = 'р', ['c'] = 'с', ['x'] = 'х', ['y'] = 'у', ['i'] = 'і',
        ['A'] = 'Α', ['E'] = 'Ε', ['O'] = 'Ο', ['P'] = 'Р', ['T'] = 'Т', ['H'] = 'Н', ['K'] = 'К', ['M'] = 'М',
    };

    private static string Homoglyphs(string text, Random random, double share)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (s_homoglyphs.TryGetValue(chars[i], out var lookAlike) && random.NextDouble() < share)
            {
                chars[i] = lookAlike;
            }
        }
        return new string(chars);
    }

    private static readonly char[] s_invisible = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'];

    private static string ZeroWidth(string text, Random random)
    {
        var builder = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            builder.Append(c);
            if (char.IsLetter(c) && random.NextDouble() < 0.5)
            {
                builder.Append(s_invisible[random.Next(s_invisible.Length)]);
            }
        }
        return builder.ToString();
    }

    /// <summary>ASCII mapped into the Unicode tag block (U+E0000 + code): invisible in most renderers.</summary>
    private static string UnicodeTags(string text)
    {
        var builder = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (c is >= ' ' and <= '~')
            {
                builder.Append(char.ConvertFromUtf32(0xE0000 + c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
