using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nethical.Guard.Normalization;

namespace Nethical.Guard.Training.Corpus;

/// <summary>Where a generated text is used: fitting a head, choosing its threshold and head, or the final test.</summary>
internal enum CorpusSplit
{
    Fit,
    Validation,
    Test,
}

/// <summary>
/// Splits the generated corpus by a seeded hash of the <em>normalised</em> text (not of its id or position), so a text
/// the generator produces twice, or two texts the normaliser reads as one (a payload and its zero-width, homoglyph or
/// tag-character copy), always land in the same partition: nothing the model reads is ever in both a training and a
/// test partition. Three fifths fit, one fifth validates, one fifth tests.
/// </summary>
internal static class CorpusPartition
{
    private static readonly TextNormalizer s_normalizer = new();

    public static CorpusSplit Of(string text, int seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = s_normalizer.Normalize(text);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("corpus:" + seed.ToString(CultureInfo.InvariantCulture) + ":" + normalized));
        return (hash[0] % 5) switch
        {
            0 => CorpusSplit.Test,
            1 => CorpusSplit.Validation,
            _ => CorpusSplit.Fit,
        };
    }
}
