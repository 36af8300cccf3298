using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace Nethical.Guard.Offline;

/// <summary>One tensor of a fine-tuned encoder, by its semantic name (<c>encoder.layer.0.attention.self.query.weight</c>).</summary>
/// <param name="Name">The parameter's name as the exporter wrote it beside its bias; weights keep ONNX's [in, out] layout.</param>
/// <param name="Dimensions">Its shape.</param>
/// <param name="Values">Row-major values.</param>
internal sealed record EncoderTensor(string Name, long[] Dimensions, float[] Values);

/// <summary>
/// A fine-tuned BERT-style encoder as the change it makes to the packaged ONNX graph: the transformer layers it keeps
/// (a cut of the first <see cref="Layers"/>) and the tensors it replaces, stored in half precision. Small enough to keep in
/// git (about 3.5 MB per MiniLM layer) where the whole fp32 graph is 90 MB; <see cref="Apply"/> rebuilds the graph the
/// serving path loads, and the INT8 rewrite then runs on that as on the packaged one.
/// </summary>
internal sealed class EncoderWeights
{
    private static ReadOnlySpan<byte> Magic => "NTEW"u8;
    private const int FormatVersion = 1;

    public EncoderWeights(int layers, IReadOnlyList<EncoderTensor> tensors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var tensor in tensors)
        {
            var elements = tensor.Dimensions.Aggregate(1L, (a, d) => a * d);
            if (elements != tensor.Values.Length)
            {
                throw new ArgumentException($"Tensor {tensor.Name} has shape [{string.Join(",", tensor.Dimensions)}] but {tensor.Values.Length} values.", nameof(tensors));
            }
        }
        Layers = layers;
        Tensors = tensors;
    }

    /// <summary>How many transformer layers the encoder keeps, from the first.</summary>
    public int Layers { get; }

    public IReadOnlyList<EncoderTensor> Tensors { get; }

    /// <summary>Writes the file: a header, then each tensor's name, shape and fp16 values, little-endian.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Layers);
        writer.Write(Tensors.Count);
        foreach (var tensor in Tensors)
        {
            writer.Write(tensor.Name);
            writer.Write(tensor.Dimensions.Length);
            foreach (var dimension in tensor.Dimensions)
            {
                writer.Write(dimension);
            }
            var buffer = new byte[tensor.Values.Length * 2];
            for (var i = 0; i < tensor.Values.Length; i++)
            {
                BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)tensor.Values[i]);
            }
            writer.Write(buffer);
        }
    }

    public static EncoderWeights Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("Not an encoder weights file (bad magic).");
            }
            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"Encoder weights format {version} is not supported (expected {FormatVersion}).");
            }
            var layers = reader.ReadInt32();
            var count = reader.ReadInt32();
            if (layers < 1 || count is < 0 or > 100_000)
            {
                throw new InvalidDataException("The encoder weights header is corrupt.");
            }
            var tensors = new List<EncoderTensor>(count);
            for (var t = 0; t < count; t++)
            {
                var name = reader.ReadString();
                var rank = reader.ReadInt32();
                if (rank is < 1 or > 4)
                {
                    throw new InvalidDataException($"Tensor {name} has rank {rank}.");
                }
                var dimensions = new long[rank];
                long elements = 1;
                for (var d = 0; d < rank; d++)
                {
                    dimensions[d] = reader.ReadInt64();
                    elements *= dimensions[d];
                    if (dimensions[d] < 1 || elements > 64_000_000)
                    {
                        throw new InvalidDataException($"Tensor {name} has an invalid shape.");
                    }
                }
                var bytes = reader.ReadBytes(checked((int)elements * 2));
                if (bytes.Length != elements * 2)
                {
                    throw new InvalidDataException($"Tensor {name} is truncated.");
                }
                var values = new float[elements];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2));
                }
                tensors.Add(new EncoderTensor(name, dimensions, values));
            }
            return new EncoderWeights(layers, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The encoder weights file is truncated.", e);
        }
    }

    /// <summary>
    /// Writes the packaged graph with these weights in place and only the first <see cref="Layers"/> transformer layers:
    /// the last kept layer's output becomes <c>last_hidden_state</c>, and what no output needs any more (later layers,
    /// the pooler) is dropped. Every tensor must name an existing initializer of the same shape.
    /// </summary>
    public void Apply(Stream baseModel, Stream output)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(output);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(baseModel);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The base encoder is not an ONNX model: " + e.Message, e);
        }
        var graph = new EncoderGraph(model.Graph);
        foreach (var tensor in Tensors)
        {
            var initializer = graph.Find(tensor.Name)
                ?? throw new InvalidDataException($"The base encoder has no tensor '{tensor.Name}'.");
            if (!initializer.Dims.SequenceEqual(tensor.Dimensions) || initializer.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"Tensor '{tensor.Name}' is [{string.Join(",", tensor.Dimensions)}] but the base encoder's is [{string.Join(",", initializer.Dims)}]."));
            }
            initializer.FloatData.Clear();
            initializer.RawData = ByteString.CopyFrom(OnnxTensors.FloatBytes(tensor.Values));
        }
        if (Layers < graph.LayerCount)
        {
            graph.Cut(Layers);
        }
        else if (Layers > graph.LayerCount)
        {
            throw new InvalidDataException($"The weights keep {Layers} layers but the base encoder has {graph.LayerCount}.");
        }
        model.WriteTo(output);
    }
}

/// <summary>
/// The names of a BERT-style encoder graph as PyTorch exports it: named initializers (biases, LayerNorms, embeddings) and
/// numbered MatMul weights, each named here after the bias its MatMul's output is added to (<c>…query.bias</c> names
/// <c>…query.weight</c>, stored [in, out]).
/// </summary>
internal sealed class EncoderGraph
{
    private const string OutputName = "last_hidden_state";
    private readonly GraphProto _graph;
    private readonly Dictionary<string, TensorProto> _byName;

    public EncoderGraph(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _byName = new Dictionary<string, TensorProto>(initializers, StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }
                list.Add(node);
            }
        }
        foreach (var node in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.ContainsKey(n.Input[1])))
        {
            var bias = consumers.GetValueOrDefault(node.Output[0])?
                .Where(n => n.OpType == "Add")
                .SelectMany(n => n.Input)
                .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(i));
            if (bias is not null)
            {
                _byName[bias[..^".bias".Length] + ".weight"] = initializers[node.Input[1]];
            }
        }
        LayerCount = 0;
        while (_byName.ContainsKey(LayerOutputBias(LayerCount)))
        {
            LayerCount++;
        }
        if (LayerCount == 0)
        {
            throw new InvalidDataException("The encoder graph has no 'encoder.layer.N' tensors: not a BERT-style export.");
        }
    }

    public int LayerCount { get; }

    /// <summary>The semantic names this graph can resolve.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    public TensorProto? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>An initializer's values as fp32, in its stored layout.</summary>
    public static float[] Values(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' is not fp32.");
        }
        var count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
        return OnnxTensors.ReadFloats(tensor, count)
            ?? throw new InvalidDataException($"Tensor '{tensor.Name}' does not hold its {count} values.");
    }

    /// <summary>Keeps the first <paramref name="layers"/> layers: their output becomes the graph's output, the rest is dropped.</summary>
    public void Cut(int layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, LayerCount);
        var bias = LayerOutputBias(layers - 1);
        var last = _graph.Node.Single(n => n.OpType == "Add" && n.Input.Contains(bias));
        foreach (var node in _graph.Node.Where(n => n.Output.Contains(OutputName)).ToList())
        {
            _graph.Node.Remove(node);
        }
        _graph.Node.Add(new NodeProto { OpType = "Identity", Name = "Nethical_Cut_" + layers, Input = { last.Output[0] }, Output = { OutputName } });
        foreach (var output in _graph.Output.Where(o => o.Name != OutputName).ToList())
        {
            _graph.Output.Remove(output);
        }

        // Keep what the remaining output needs: walk back from it, then drop unreached nodes and initializers.
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in _graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var kept = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>([OutputName]);
        while (pending.TryPop(out var value))
        {
            if (!needed.Add(value) || !producers.TryGetValue(value, out var node) || !kept.Add(node))
            {
                continue;
            }
            foreach (var input in node.Input)
            {
                pending.Push(input);
            }
            foreach (var subgraph in node.Attribute.Where(a => a.G is not null))
            {
                throw new InvalidDataException($"Node {node.Name} has a subgraph ({subgraph.Name}): cutting is not supported.");
            }
        }
        foreach (var node in _graph.Node.Where(n => !kept.Contains(n)).ToList())
        {
            _graph.Node.Remove(node);
        }
        foreach (var initializer in _graph.Initializer.Where(i => !needed.Contains(i.Name)).ToList())
        {
            _graph.Initializer.Remove(initializer);
        }
    }

    private static string LayerOutputBias(int layer) => string.Create(CultureInfo.InvariantCulture, $"encoder.layer.{layer}.output.LayerNorm.bias");
}
