using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nethical.Guard.Training.Corpus;

/// <summary>Where a generated text is used: fitting a head, choosing its threshold and head, or the final test.</summary>
internal enum CorpusSplit
{
    Fit,
    Validation,
    Test,
}

/// <summary>
/// Splits the generated corpus by a seeded hash of the text itself (not of its id or position), so a text the
/// generator happens to produce twice always lands in the same partition: no generated text is ever in both a
/// training and a test partition. Three fifths fit, one fifth validates, one fifth tests.
/// </summary>
internal static class CorpusPartition
{
    public static CorpusSplit Of(string text, int seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("corpus:" + seed.ToString(CultureInfo.InvariantCulture) + ":" + text));
        return (hash[0] % 5) switch
        {
            0 => CorpusSplit.Test,
            1 => CorpusSplit.Validation,
            _ => CorpusSplit.Fit,
        };
    }
}
