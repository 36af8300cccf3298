using System.Globalization;
using Nethical.Guard.Offline;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>Command-line options shared by every command, and where things live.</summary>
internal sealed class TrainingContext
{
    private readonly Dictionary<string, string> _options;

    private TrainingContext(Dictionary<string, string> options, string root)
    {
        _options = options;
        Root = root;
    }

    public string Root { get; }

    public string ModelsDirectory => Get("models") ?? Path.Combine(Root, "models");

    /// <summary>Embedding caches and built encoders (git-ignored).</summary>
    public string ArtifactsDirectory => Get("artifacts") ?? Path.Combine(Root, "artifacts");

    public int Seed => int.Parse(Get("seed") ?? "42", CultureInfo.InvariantCulture);

    public string Encoder => Get("encoder") ?? "MiniLM";

    public string? Get(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public double GetDouble(string name, double fallback)
        => Get(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public LabelledData LoadData()
    {
        var directory = LabelledData.FindDataDirectory(Get("data"))
            ?? throw new DirectoryNotFoundException("No labelled data: pass --data DIR (the shared data folder with the deepset, jackhhao and benign-* sets).");
        Console.WriteLine($"data: {directory}");
        return LabelledData.Load(directory);
    }

    public static TrainingContext Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }
            var name = args[i][2..];
            options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        var root = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nethical.Gateway.sln")))
            {
                root = dir.FullName;
                break;
            }
        }
        return new TrainingContext(options, root);
    }

    /// <summary>The encoder (fp32 from the package, or its INT8 rebuild) with a head, for embedding and scoring.</summary>
    public OnnxClassifier CreateClassifier(string encoder, string variant, ClassifierHead? head = null)
    {
        var assets = EncoderAssets.FromPackage(encoder);
        using var vocabulary = assets.OpenVocabulary();
        var tokenizer = new EncoderTokenizer(vocabulary);
        var threads = int.Parse(Get("threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        OnnxEncoder onnx;
        if (variant == "int8")
        {
            var path = Tier2ModelLoader.GetOrBuildInt8(assets, Path.Combine(ArtifactsDirectory, "encoders"));
            onnx = new OnnxEncoder(path, tokenizer, threads);
        }
        else
        {
            using var stream = assets.OpenModel();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            onnx = new OnnxEncoder(buffer.ToArray(), tokenizer, threads);
        }
        head ??= new ClassifierHead([new DenseLayer(onnx.Dimension, 1, new float[onnx.Dimension], [0f])]);
        var window = new WindowSettings();
        return new OnnxClassifier(onnx, head, window, $"{encoder}/{variant}");
    }

    public EmbeddingStore CreateStore(OnnxClassifier model, string encoder, string variant)
        => new(model, Path.Combine(ArtifactsDirectory, $"embeddings-{encoder}-{variant}-w{model.Windows.WindowTokens}.bin"));
}
