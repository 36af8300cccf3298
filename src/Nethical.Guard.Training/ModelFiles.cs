using System.Security.Cryptography;
using Nethical.Guard.Offline;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>The trained artifacts in a models directory; <see cref="Weights"/> when the encoder is fine-tuned.</summary>
internal sealed record ModelFiles(ModelManifest Manifest, ClassifierHead Head, HashedNgramStudent? Student, EncoderWeights? Weights = null, string? WeightsHash = null)
{
    /// <summary>Names the encoder these files score with, for embedding caches: the package's, or it with these weights.</summary>
    public string EncoderKey => Weights is null ? Manifest.Encoder : $"{Manifest.Encoder}-ft{Weights.Layers}-{WeightsHash}";

    /// <summary>A weights file's short hash: in the embedding caches' names and the tuned model's version.</summary>
    public static string HashOf(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..12].ToLowerInvariant();

    public static ModelFiles Load(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException("No manifest: run train first.", manifestPath);
        }
        ModelManifest manifest;
        using (var stream = File.OpenRead(manifestPath))
        {
            manifest = ModelManifest.Load(stream);
        }
        ClassifierHead head;
        using (var stream = File.OpenRead(Path.Combine(directory, manifest.Head)))
        {
            head = ClassifierHead.Load(stream);
        }
        HashedNgramStudent? student = null;
        if (manifest.Student is { } s)
        {
            using var stream = File.OpenRead(Path.Combine(directory, s.File));
            student = HashedNgramStudent.Load(stream);
        }
        EncoderWeights? weights = null;
        string? hash = null;
        if (manifest.EncoderWeights is { } tuned)
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, tuned.File));
            hash = HashOf(bytes);
            weights = Tier2ModelLoader.LoadWeights(new MemoryStream(bytes), tuned);
        }
        return new ModelFiles(manifest, head, student, weights, hash);
    }
}
