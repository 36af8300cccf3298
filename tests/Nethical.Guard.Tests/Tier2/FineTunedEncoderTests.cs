using Nethical.Guard.Offline;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

/// <summary>
/// A model folder whose manifest names encoder weights is served with them: the packaged graph, its layers replaced and
/// cut, through the same loader and INT8 rewrite as the packaged encoder.
/// </summary>
public sealed class FineTunedEncoderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nethical-tests-tuned-" + Guid.NewGuid().ToString("N"));
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "nethical-tests-tuned-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var directory in new[] { _directory, _cache })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The packaged encoder's first <paramref name="layers"/> layers, each weight nudged, as fine-tuning would leave them.</summary>
    private static EncoderWeights Tuned(int layers)
    {
        using var stream = EncoderAssets.FromPackage("MiniLM").OpenModel();
        var graph = new EncoderGraph(Onnx.ModelProto.Parser.ParseFrom(stream).Graph);
        var random = new Random(11);
        var tensors = graph.Names
            .Where(n => n.StartsWith("encoder.layer.", StringComparison.Ordinal) && int.Parse(n.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture) < layers)
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                var tensor = graph.Find(n)!;
                var values = EncoderGraph.Values(tensor).Select(v => v + (float)((random.NextDouble() - 0.5) * 0.02)).ToArray();
                return new EncoderTensor(n, [.. tensor.Dims], values);
            })
            .ToList();
        return new EncoderWeights(layers, tensors);
    }

    private void WriteModelFolder(EncoderWeights weights, int manifestLayers)
    {
        Directory.CreateDirectory(_directory);
        var assembly = typeof(Tier2ModelLoader).Assembly;
        foreach (var name in new[] { "tier2-head.json", "tier2-student.bin" })
        {
            using var resource = assembly.GetManifestResourceStream("Nethical.Guard.models." + name)!;
            using var file = File.Create(Path.Combine(_directory, name));
            resource.CopyTo(file);
        }
        ModelManifest manifest;
        using (var resource = assembly.GetManifestResourceStream("Nethical.Guard.models.manifest.json")!)
        {
            manifest = ModelManifest.Load(resource);
        }
        using (var file = File.Create(Path.Combine(_directory, "manifest.json")))
        {
            (manifest with { ModelVersion = "tuned-test", EncoderWeights = new EncoderWeightsManifest("tier2-encoder.bin", manifestLayers) }).Save(file);
        }
        using (var file = File.Create(Path.Combine(_directory, "tier2-encoder.bin")))
        {
            weights.Save(file);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_ManifestNamesEncoderWeights_ServesTheTunedAndCutEncoder(bool quantized)
    {
        WriteModelFolder(Tuned(3), manifestLayers: 3);
        var tuned = Tier2ModelLoader.Load(new Tier2Options { ModelDirectory = _directory, CacheDirectory = _cache, Quantized = quantized });
        using var _ = tuned.Classifier;
        var packaged = Tier2ModelLoader.Load(new Tier2Options { CacheDirectory = _cache, Quantized = quantized });
        using var __ = packaged.Classifier;

        var text = tuned.Classifier.Prepare("Please summarise the attached meeting notes for the team.");
        var tunedEmbedding = tuned.Classifier.Encoder.Embed(text.Windows);
        var packagedEmbedding = packaged.Classifier.Encoder.Embed(text.Windows);

        var cosine = tunedEmbedding.Zip(packagedEmbedding, (a, b) => a * b).Sum();
        Assert.True(cosine < 0.99, $"the tuned, cut encoder embeds like the packaged one (cosine {cosine})");
        Assert.Equal(384, tunedEmbedding.Length);
        Assert.StartsWith("tuned-test/", tuned.Classifier.ModelVersion, StringComparison.Ordinal);
        if (quantized)
        {
            // Its own INT8 build, never the packaged encoder's.
            Assert.NotEqual(packaged.EncoderFile, tuned.EncoderFile);
        }
    }

    [Fact]
    public void Load_ManifestAndWeightsDisagreeOnLayers_IsAClearError()
    {
        WriteModelFolder(Tuned(3), manifestLayers: 4);
        var error = Assert.Throws<InvalidDataException>(() => Tier2ModelLoader.Load(new Tier2Options { ModelDirectory = _directory, CacheDirectory = _cache, Quantized = false }));
        Assert.Contains("layers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CutGraph_KeepsOnlyTheLayersItNeeds()
    {
        using var source = EncoderAssets.FromPackage("MiniLM").OpenModel();
        using var output = new MemoryStream();
        Tuned(2).Apply(source, output);
        output.Position = 0;
        var graph = Onnx.ModelProto.Parser.ParseFrom(output).Graph;

        Assert.Equal(2, new EncoderGraph(graph).LayerCount);
        Assert.DoesNotContain(graph.Initializer, i => i.Name.StartsWith("pooler.", StringComparison.Ordinal) || i.Name.StartsWith("encoder.layer.2.", StringComparison.Ordinal));
        Assert.Equal("last_hidden_state", Assert.Single(graph.Output).Name);
    }
}
