using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nethical.Guard.Inference;

/// <summary>One dense layer: <c>y = W x + b</c>, W stored row-major [Outputs, Inputs].</summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weights, float[] Bias);

/// <summary>
/// The trained head over pooled embeddings: logistic regression (one layer) or a small MLP (ReLU between layers),
/// ending in one logit. Serialized as JSON in <c>models/</c>; small enough to commit and review.
/// </summary>
internal sealed class ClassifierHead
{
    public ClassifierHead(IReadOnlyList<DenseLayer> layers)
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
        Layers = layers;
    }

    public IReadOnlyList<DenseLayer> Layers { get; }

    public int Inputs => Layers[0].Inputs;

    public string Kind => Layers.Count == 1 ? "logistic" : "mlp";

    /// <summary>The attack logit of one embedding.</summary>
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

    /// <summary>The attack probability of one embedding.</summary>
    public float Probability(ReadOnlySpan<float> embedding) => Sigmoid(Logit(embedding));

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public void Save(Stream stream)
    {
        var document = new HeadDocument(Kind, [.. Layers.Select(l => new LayerDocument(l.Inputs, l.Outputs, l.Weights, l.Bias))]);
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
        return new ClassifierHead([.. layers.Select(l => new DenseLayer(l.Inputs, l.Outputs, l.Weights ?? [], l.Bias ?? []))]);
    }
}

internal sealed record HeadDocument(string Kind, LayerDocument[] Layers);

internal sealed record LayerDocument(int Inputs, int Outputs, float[]? Weights, float[]? Bias);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HeadDocument))]
internal sealed partial class HeadJsonContext : JsonSerializerContext;
