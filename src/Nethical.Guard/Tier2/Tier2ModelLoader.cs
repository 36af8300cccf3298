using System.Reflection;
using System.Security.Cryptography;
using Nethical.Guard.Offline;
using Nethical.Guard.Screening;

namespace Nethical.Guard.Tier2;

/// <summary>The loaded tier-2 artifacts.</summary>
internal sealed record Tier2Model(OnnxClassifier Classifier, ModelManifest Manifest, HashedNgramStudent? Student, string EncoderFile);

/// <summary>
/// Loads tier 2 at start-up: the manifest, head and student (from <see cref="Tier2Options.ModelDirectory"/> or the copies
/// built into this assembly), the encoder (package or paths), and — when <see cref="Tier2Options.Quantized"/> — its INT8
/// rebuild, made once with <see cref="ModelOptimizer"/> and cached on disk under a name that changes with the source model.
/// </summary>
internal static class Tier2ModelLoader
{
    private const string ResourcePrefix = "Nethical.Guard.models.";

    public static Tier2Model Load(Tier2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ModelManifest manifest;
        using (var stream = OpenArtifact(options, "manifest.json"))
        {
            manifest = ModelManifest.Load(stream);
        }
        ClassifierHead head;
        using (var stream = OpenArtifact(options, manifest.Head))
        {
            head = ClassifierHead.Load(stream);
        }
        HashedNgramStudent? student = null;
        if (manifest.Student is { } studentManifest)
        {
            using var stream = OpenArtifact(options, studentManifest.File);
            student = HashedNgramStudent.Load(stream);
        }

        EncoderAssets assets;
        if (!string.IsNullOrEmpty(options.ModelPath) || !string.IsNullOrEmpty(options.VocabularyPath))
        {
            assets = EncoderAssets.FromFiles(options.ModelPath ?? "", options.VocabularyPath ?? "");
        }
        else
        {
            if (!string.Equals(options.Encoder, manifest.Encoder, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"The head was trained on the {manifest.Encoder} encoder but {options.Encoder} is configured.");
            }
            assets = EncoderAssets.FromPackage(options.Encoder);
        }

        if (manifest.EncoderWeights is { } fineTuned)
        {
            // The fine-tuned encoder is the packaged graph with the shipped weights applied; INT8 is built from that.
            EncoderWeights weights;
            using (var stream = OpenArtifact(options, fineTuned.File))
            {
                weights = LoadWeights(stream, fineTuned);
            }
            assets = ApplyWeights(assets, weights, fineTuned.File);
        }

        EncoderTokenizer tokenizer;
        using (var vocabulary = assets.OpenVocabulary())
        {
            tokenizer = new EncoderTokenizer(vocabulary);
        }

        string encoderFile;
        OnnxEncoder encoder;
        if (options.Quantized)
        {
            encoderFile = GetOrBuildInt8(assets, options.CacheDirectory ?? DefaultCacheDirectory());
            encoder = new OnnxEncoder(encoderFile, tokenizer, options.IntraOpThreads);
        }
        else
        {
            using var model = assets.OpenModel();
            using var buffer = new MemoryStream();
            model.CopyTo(buffer);
            encoderFile = assets.Origin;
            encoder = new OnnxEncoder(buffer.ToArray(), tokenizer, options.IntraOpThreads);
        }

        var windows = new WindowSettings(manifest.WindowTokens, manifest.WindowStride, manifest.MaxWindows);
        var version = $"{manifest.ModelVersion}/{(options.Quantized ? "int8" : "fp32")}";
        return new Tier2Model(new OnnxClassifier(encoder, head, windows, version), manifest, student, encoderFile);
    }

    /// <summary>A manifest's encoder weights file, checked against what the manifest says of it.</summary>
    public static EncoderWeights LoadWeights(Stream stream, EncoderWeightsManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var weights = EncoderWeights.Load(stream);
        if (weights.Layers != manifest.Layers)
        {
            throw new InvalidDataException($"The manifest says the encoder keeps {manifest.Layers} layers; {manifest.File} keeps {weights.Layers}.");
        }
        return weights;
    }

    /// <summary>The packaged encoder with a fine-tuned encoder's weights applied, rebuilt in memory.</summary>
    public static EncoderAssets ApplyWeights(EncoderAssets assets, EncoderWeights weights, string weightsFile)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(weights);
        using var source = assets.OpenModel();
        using var patched = new MemoryStream();
        weights.Apply(source, patched);
        return assets.WithModel($"{assets.Name}-tuned-l{weights.Layers}", $"{assets.Origin} + {weightsFile}", patched.ToArray());
    }

    /// <summary>
    /// The INT8 encoder's path, building it when it is missing. The file name carries a hash of the fp32 source, so a new
    /// encoder never reuses a stale build; it is written to a temporary name and moved into place, so a crash mid-way
    /// or two instances starting together never leave a torn file.
    /// </summary>
    public static string GetOrBuildInt8(EncoderAssets assets, string directory)
    {
        ArgumentNullException.ThrowIfNull(assets);
        Directory.CreateDirectory(directory);
        string hash;
        using (var source = assets.OpenModel())
        {
            hash = Convert.ToHexString(SHA256.HashData(source))[..16].ToLowerInvariant();
        }
        var path = Path.Combine(directory, $"{assets.Name.ToLowerInvariant()}-{hash}-int8-v{ModelOptimizer.Version}.onnx");
        if (File.Exists(path))
        {
            return path;
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var source = assets.OpenModel())
            using (var output = File.Create(temporary))
            {
                ModelOptimizer.QuantizeDynamicInt8(source, output);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    private static string DefaultCacheDirectory()
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return string.IsNullOrEmpty(local)
            ? Path.Combine(Path.GetTempPath(), "nethical", "models")
            : Path.Combine(local, "nethical", "models");
    }

    private static Stream OpenArtifact(Tier2Options options, string name)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Model artifact names are plain file names: '{name}'.");
        }
        if (!string.IsNullOrEmpty(options.ModelDirectory))
        {
            var path = Path.Combine(options.ModelDirectory, name);
            return File.Exists(path) ? File.OpenRead(path) : throw new FileNotFoundException("A tier-2 model artifact is missing.", path);
        }
        return typeof(Tier2ModelLoader).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new FileNotFoundException($"The built-in tier-2 artifact '{name}' is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
    }
}
