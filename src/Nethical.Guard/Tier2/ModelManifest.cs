using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nethical.Guard.Tier2;

/// <summary>
/// <c>models/manifest.json</c>: what was trained, on what, with which encoder, and the operating points. Written by the
/// training tool, read by the gateway at start-up.
/// </summary>
internal sealed record ModelManifest
{
    /// <summary>Identifies the head (a hash of its file): the scores the verdict cache holds are its scores, so it is part of every cache key.</summary>
    public required string ModelVersion { get; init; }

    /// <summary><c>MiniLM</c> or <c>ArcticXs</c>: the package encoder the head was trained on.</summary>
    public required string Encoder { get; init; }

    public required string EncoderPackage { get; init; }

    /// <summary>The head file, relative to the manifest.</summary>
    public required string Head { get; init; }

    public required string HeadKind { get; init; }

    /// <summary>
    /// The head probability at the operating point: the validation benign texts' 99th percentile (1% false positives).
    /// Verdict scores are calibrated so that this probability maps to 0.5.
    /// </summary>
    public required double Threshold { get; init; }

    public required int WindowTokens { get; init; }

    public required int WindowStride { get; init; }

    public required int MaxWindows { get; init; }

    /// <summary>The distilled student, relative to the manifest; null before <c>distill</c> ran.</summary>
    public StudentManifest? Student { get; init; }

    /// <summary>
    /// The fine-tuned encoder, when there is one: a weights file applied to the packaged graph (its layers replaced,
    /// cut to <see cref="EncoderWeightsManifest.Layers"/>). None: the packaged encoder as it is.
    /// </summary>
    public EncoderWeightsManifest? EncoderWeights { get; init; }

    public required int Seed { get; init; }

    public required IReadOnlyList<DataFileManifest> Data { get; init; }

    /// <summary>
    /// The training commands that built these files, in order (their arguments, as typed): enough to rebuild the model
    /// from the data folder. Empty for manifests written before it was recorded.
    /// </summary>
    public IReadOnlyList<string> Recipe { get; init; } = [];

    /// <summary>Validation metrics at training time, by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public static ModelManifest Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest)
                ?? throw new InvalidDataException("The model manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The model manifest is not valid: " + e.Message, e);
        }
    }

    public void Save(Stream stream) => JsonSerializer.Serialize(stream, this, ManifestJsonContext.Default.ModelManifest);

    /// <summary>Maps a head probability to a verdict score with the operating threshold at 0.5, monotonic.</summary>
    public static double Calibrate(double probability, double threshold)
    {
        threshold = Math.Clamp(threshold, 1e-6, 1 - 1e-6);
        return probability < threshold
            ? 0.5 * probability / threshold
            : 0.5 + (0.5 * (probability - threshold) / (1 - threshold));
    }
}

/// <summary>The student's file and its operating points.</summary>
/// <param name="File">Relative to the manifest.</param>
/// <param name="Temperature">Distillation temperature applied to the teacher's logits.</param>
/// <param name="Alpha">Weight of the teacher's soft label against the hard label.</param>
/// <param name="Threshold">Student probability at 1% validation false positives.</param>
/// <param name="PassBelow">Student probability under which a user segment with no tier-1 signal skips tier 2.</param>
internal sealed record StudentManifest(string File, double Temperature, double Alpha, double Threshold, double PassBelow);

/// <summary>One data file a model was trained on, and how many of its rows were used.</summary>
/// <summary>A fine-tuned encoder's weights file and the layers it keeps.</summary>
internal sealed record EncoderWeightsManifest(string File, int Layers);

internal sealed record DataFileManifest(string File, string Use, int Rows);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
