using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nethical.Guard.Training;

/// <summary>Which training rows fit and which validate, and how generated rows are named beside the shared files.</summary>
internal static class TrainingSplit
{
    /// <summary>How the generated corpus is named in manifests and reports (it is generated, never a file on disk).</summary>
    public const string CorpusFile = "generated:corpus";

    /// <summary>A fifth of the training rows, by a seeded hash of the id, validate instead of fit.</summary>
    public static bool IsValidation(string id, int seed)
        => SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + ":" + id))[1] % 5 == 0;
}
