using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nethical.Guard.Tier2;

/// <summary>One dense layer: <c>y = W x + b</c>, W stored row-major [Outputs, Inputs].</summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weights, float[] Bias);

/// <summary>
/// The trained head over pooled embeddings: logistic regression (one layer) or a small MLP (ReLU between layers),
/// ending in one logit. Serialized as JSON in <c>models/</c>; small enough to commit and review.
/// </summary>
/// <remarks>
/// A <see cref="SourceAware"/> head reads where the text came from as well as what it says: its input is
/// <c>[e, s·e, s]</c> for an embedding <c>e</c>, with <c>s = 1</c> for text from a tool result or a document (an
/// indirect source) and <c>0</c> for text a user, system or assistant turn sent. For a linear layer that is one set
/// of weights for every text plus a correction learnt only from indirect text, so "an instruction addressed to the
/// assistant inside a tool result" can score higher than the same sentence typed by the user.
/// </remarks>
internal sealed class ClassifierHead
{
    public ClassifierHead(IReadOnlyList<DenseLayer> layers, bool sourceAware = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("A head needs at least one layer.", nameof(layers));
        }
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Weights.Length != layer.Inputs * layer.Outputs || layer.Bias.Length != layer.Outputs)
            {
                throw new InvalidDataException($"Head layer {i} has inconsistent shapes.");
            }
            if (i > 0 && layers[i - 1].Outputs != layer.Inputs)
            {
                throw new InvalidDataException($"Head layer {i} takes {layer.Inputs} inputs but layer {i - 1} gives {layers[i - 1].Outputs}.");
            }
        }
        if (layers[^1].Outputs != 1)
        {
            throw new InvalidDataException("A head ends in one logit.");
        }
        if (sourceAware && (layers[0].Inputs < 3 || layers[0].Inputs % 2 == 0))
        {
            throw new InvalidDataException($"A source-aware head takes 2·d + 1 inputs; this one takes {layers[0].Inputs}.");
        }
        Layers = layers;
        SourceAware = sourceAware;
    }

    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>The features the first layer takes (2·d + 1 for a source-aware head).</summary>
    public int Inputs => Layers[0].Inputs;

    /// <summary>Whether the head also reads the text's source (see the remarks).</summary>
    public bool SourceAware { get; }

    /// <summary>The embedding width the head expects.</summary>
    public int EmbeddingDimension => SourceAware ? (Inputs - 1) / 2 : Inputs;

    /// <summary>Writes a source-aware head's features, <c>[e, s·e, s]</c>, into <paramref name="features"/> (2·d + 1 long).</summary>
    public static void SourceFeatures(ReadOnlySpan<float> embedding, bool indirect, Span<float> features)
    {
        var dimension = embedding.Length;
        if (features.Length != (2 * dimension) + 1)
        {
            throw new ArgumentException($"Expected {(2 * dimension) + 1} feature slots, got {features.Length}.", nameof(features));
        }
        embedding.CopyTo(features);
        if (indirect)
        {
            embedding.CopyTo(features[dimension..]);
            features[^1] = 1f;
        }
        else
        {
            features[dimension..].Clear();
        }
    }

    /// <summary>The attack logit of one embedding of a text from <paramref name="indirect"/> (tool or document) or direct text.</summary>
    public float Logit(ReadOnlySpan<float> embedding, bool indirect)
    {
        if (!SourceAware)
        {
            return Logit(embedding);
        }
        if (embedding.Length != EmbeddingDimension)
        {
            throw new ArgumentException($"Expected a {EmbeddingDimension}-wide embedding, got {embedding.Length}.", nameof(embedding));
        }
        const int StackFloats = 2048;
        var buffer = Inputs <= StackFloats ? stackalloc float[Inputs] : new float[Inputs];
        SourceFeatures(embedding, indirect, buffer);
        return Logit(buffer);
    }

    /// <summary>The attack probability of one embedding, given its source (see <see cref="Logit(ReadOnlySpan{float}, bool)"/>).</summary>
    public float Probability(ReadOnlySpan<float> embedding, bool indirect) => Sigmoid(Logit(embedding, indirect));

    public string Kind => Layers.Count == 1 ? "logistic" : "mlp";

    /// <summary>The attack logit of one feature vector (for a source-aware head, the full <c>[e, s·e, s]</c>).</summary>
    public float Logit(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Inputs)
        {
            throw new ArgumentException($"Expected {Inputs} features, got {embedding.Length}.", nameof(embedding));
        }

        var input = embedding;
        var result = 0f;
        for (var l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var last = l == Layers.Count - 1;
            var output = last ? [] : new float[layer.Outputs];
            for (var o = 0; o < layer.Outputs; o++)
            {
                var row = layer.Weights.AsSpan(o * layer.Inputs, layer.Inputs);
                var sum = layer.Bias[o] + Dot(row, input);
                if (last)
                {
                    result = sum;
                }
                else
                {
                    output[o] = Math.Max(0f, sum);
                }
            }
            input = output;
        }
        return result;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <summary>The attack probability of one feature vector.</summary>
    public float Probability(ReadOnlySpan<float> embedding) => Sigmoid(Logit(embedding));

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public void Save(Stream stream)
    {
        var document = new HeadDocument(Kind, [.. Layers.Select(l => new LayerDocument(l.Inputs, l.Outputs, l.Weights, l.Bias))], SourceAware ? true : null);
        JsonSerializer.Serialize(stream, document, HeadJsonContext.Default.HeadDocument);
    }

    public static ClassifierHead Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        HeadDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(stream, HeadJsonContext.Default.HeadDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The classifier head file is not valid JSON.", e);
        }
        if (document?.Layers is not { Length: > 0 } layers)
        {
            throw new InvalidDataException("The classifier head file has no layers.");
        }
        return new ClassifierHead([.. layers.Select(l => new DenseLayer(l.Inputs, l.Outputs, l.Weights ?? [], l.Bias ?? []))], document.SourceAware ?? false);
    }
}

/// <summary>The head file's JSON shape.</summary>
/// <param name="Kind">"logistic" or "mlp".</param>
/// <param name="Layers">The dense layers, input first.</param>
/// <param name="SourceAware">Written only when true, so a head without it reads (and hashes) as before.</param>
internal sealed record HeadDocument(string Kind, LayerDocument[] Layers, bool? SourceAware = null);

internal sealed record LayerDocument(int Inputs, int Outputs, float[]? Weights, float[]? Bias);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HeadDocument))]
internal sealed partial class HeadJsonContext : JsonSerializerContext;
