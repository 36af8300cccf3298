using Nethical.Guard.Offline;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// The settings every command shares (where the data, models and artifacts live, the seed, ONNX Runtime's threads),
/// read from the command line by <see cref="TrainingCli"/>.
/// </summary>
internal sealed class TrainingContext
{
    public TrainingContext(string? dataDirectory, string modelsDirectory, string artifactsDirectory, int seed, int threads)
    {
        DataDirectory = dataDirectory;
        ModelsDirectory = modelsDirectory;
        ArtifactsDirectory = artifactsDirectory;
        Seed = seed;
        Threads = threads;
    }

    /// <summary>The shared data folder as given; null: searched for (<see cref="LabelledData.FindDataDirectory"/>).</summary>
    public string? DataDirectory { get; }

    public string ModelsDirectory { get; }

    /// <summary>Embedding caches and built encoders (git-ignored).</summary>
    public string ArtifactsDirectory { get; }

    public int Seed { get; }

    /// <summary>ONNX Runtime intra-op threads for the encoders the commands create.</summary>
    public int Threads { get; }

    public LabelledData LoadData()
    {
        var directory = LabelledData.FindDataDirectory(DataDirectory)
            ?? throw new DirectoryNotFoundException("No labelled data: pass --data DIR (the shared data folder with the deepset, jackhhao and benign-* sets).");
        Console.WriteLine($"data: {directory}");
        return LabelledData.Load(directory);
    }

    /// <summary>The repository root (the folder holding Nethical.Gateway.sln above the current directory), else the current directory.</summary>
    public static string FindRoot()
    {
        var root = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nethical.Gateway.sln")))
            {
                return dir.FullName;
            }
        }
        return root;
    }

    /// <summary>A model folder's classifier: its encoder (fine-tuned when it names weights) and head.</summary>
    public OnnxClassifier CreateClassifier(ModelFiles files, string variant)
        => CreateClassifier(files.Manifest.Encoder, variant, files.Head, files.Weights);

    /// <summary>The encoder (fp32 from the package, or its INT8 rebuild) with a head, for embedding and scoring.</summary>
    public OnnxClassifier CreateClassifier(string encoder, string variant, ClassifierHead? head = null, EncoderWeights? weights = null)
    {
        var assets = EncoderAssets.FromPackage(encoder);
        if (weights is not null)
        {
            // A fine-tuned encoder: the packaged graph with its weights applied, as the gateway loads it.
            assets = Tier2ModelLoader.ApplyWeights(assets, weights, "encoder weights");
        }
        using var vocabulary = assets.OpenVocabulary();
        var tokenizer = new EncoderTokenizer(vocabulary);
        OnnxEncoder onnx;
        if (variant == "int8")
        {
            var path = Tier2ModelLoader.GetOrBuildInt8(assets, Path.Combine(ArtifactsDirectory, "encoders"));
            onnx = new OnnxEncoder(path, tokenizer, Threads);
        }
        else
        {
            using var stream = assets.OpenModel();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            onnx = new OnnxEncoder(buffer.ToArray(), tokenizer, Threads);
        }
        head ??= new ClassifierHead([new DenseLayer(onnx.Dimension, 1, new float[onnx.Dimension], [0f])]);
        var window = new WindowSettings();
        return new OnnxClassifier(onnx, head, window, $"{encoder}/{variant}");
    }

    public EmbeddingStore CreateStore(OnnxClassifier model, string encoder, string variant)
        => new(model, Path.Combine(ArtifactsDirectory, $"embeddings-{encoder}-{variant}-w{model.Windows.WindowTokens}.bin"));
}
