using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace Nethical.Guard.Offline;

/// <summary>What <see cref="ModelOptimizer.QuantizeDynamicInt8"/> did to a model.</summary>
/// <param name="MatMulsQuantized">How many weight MatMuls now run in INT8.</param>
/// <param name="InputBytes">Size of the fp32 model that was read.</param>
/// <param name="OutputBytes">Size of the INT8 model that was written.</param>
internal sealed record QuantizationReport(int MatMulsQuantized, long InputBytes, long OutputBytes);

/// <summary>
/// Offline rewrites of an ONNX encoder that make it smaller and faster on CPU. A build-time tool:
/// nothing here runs on the request path.
/// </summary>
internal static class ModelOptimizer
{
    /// <summary>Weights smaller than this stay in fp32: quantizing them saves little and costs accuracy.</summary>
    public const int DefaultMinWeightElements = 4096;

    /// <summary>Bumped whenever the rewrite changes, so cached INT8 builds from an older optimizer are not reused.</summary>
    public const int Version = 1;

    // DynamicQuantizeLinear arrived in opset 11 (MatMulInteger in 10).
    private const long MinimumOpset = 11;

    /// <summary>
    /// Reads an fp32 ONNX model and writes it with each large weight MatMul in INT8 dynamic quantization:
    /// <c>DynamicQuantizeLinear(x) -> MatMulInteger(x_q, W_q) -> Cast -> Mul(x_scale * W_scale)</c>.
    /// Weights are symmetric int8 with one scale per output column, which keeps a BERT-style encoder's
    /// embeddings within about 0.99 cosine of fp32 where one scale per tensor does not. Only standard ONNX
    /// operators are written; ONNX Runtime fuses each chain into its int8 kernels. Everything else
    /// (embeddings, LayerNorm, MatMuls between two activations) is left in fp32. Deterministic: the
    /// same input gives byte-identical output.
    /// </summary>
    /// <remarks>
    /// The activation scale is computed per call over the whole tensor, padding included, so one text's
    /// embedding moves slightly with the other rows of its batch (cosine about 0.98 or better to itself run alone).
    /// </remarks>
    /// <param name="fp32Model">The serialized model; read to its end, left open.</param>
    /// <param name="output">Receives the quantized model; left open.</param>
    /// <param name="minWeightElements">A MatMul is quantized only when its constant [in, out] weight has at least this many elements.</param>
    /// <returns>How many MatMuls were quantized and the sizes before and after.</returns>
    /// <exception cref="InvalidDataException">The stream is not an ONNX model, its opset is older than 11, or it has no quantizable MatMul.</exception>
    public static QuantizationReport QuantizeDynamicInt8(Stream fp32Model, Stream output, int minWeightElements = DefaultMinWeightElements)
    {
        ArgumentNullException.ThrowIfNull(fp32Model);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(minWeightElements, 1);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream is not writable.", nameof(output));
        }

        var (model, inputBytes) = ReadModel(fp32Model);
        var opset = model.OpsetImport.FirstOrDefault(static o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
        if (opset < MinimumOpset)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"The model's ONNX opset is {opset}; INT8 dynamic quantization needs opset {MinimumOpset} or later (DynamicQuantizeLinear)."));
        }

        var quantized = new DynamicInt8Rewriter(model.Graph, minWeightElements).Rewrite();
        if (quantized == 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"The model has no quantizable MatMul: none multiplies by a constant fp32 rank-2 weight of at least {minWeightElements} elements."));
        }

        model.WriteTo(output);
        return new QuantizationReport(quantized, inputBytes, model.CalculateSize());
    }

    private static (ModelProto Model, long Bytes) ReadModel(Stream stream)
    {
        ModelProto model;
        long bytes;
        try
        {
            using var input = new CodedInputStream(stream, leaveOpen: true);
            model = ModelProto.Parser.ParseFrom(input);
            bytes = input.Position;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The stream is not an ONNX model: " + e.Message, e);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0 || model.OpsetImport.Count == 0)
        {
            throw new InvalidDataException("The stream is not an ONNX model: it has no graph nodes or no opset.");
        }

        return (model, bytes);
    }

    /// <summary>Rewrites one graph in place; a new instance per graph.</summary>
    private sealed class DynamicInt8Rewriter
    {
        private readonly GraphProto _graph;
        private readonly int _minWeightElements;
        private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _graphInputs = new(StringComparer.Ordinal);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, QuantizedWeight?> _weights = new(StringComparer.Ordinal);
        private readonly Dictionary<string, QuantizedActivation> _activations = new(StringComparer.Ordinal);

        public DynamicInt8Rewriter(GraphProto graph, int minWeightElements)
        {
            _graph = graph;
            _minWeightElements = minWeightElements;
            foreach (var initializer in graph.Initializer)
            {
                _initializers.TryAdd(initializer.Name, initializer);
                _names.Add(initializer.Name);
            }

            // An initializer that is also a graph input (IR < 4 exports) is a default the caller may override: not a constant.
            foreach (var input in graph.Input)
            {
                _graphInputs.Add(input.Name);
                _names.Add(input.Name);
            }

            foreach (var node in graph.Node)
            {
                _names.Add(node.Name);
                _names.UnionWith(node.Input);
                _names.UnionWith(node.Output);
            }

            foreach (var output in graph.Output)
            {
                _names.Add(output.Name);
            }
        }

        public int Rewrite()
        {
            var nodes = new List<NodeProto>(_graph.Node.Count + 64);
            var replacedWeights = new HashSet<string>(StringComparer.Ordinal);
            var quantized = 0;
            foreach (var node in _graph.Node)
            {
                if (IsWeightMatMul(node) && GetQuantizedWeight(node.Input[1]) is { } weight)
                {
                    EmitQuantizedMatMul(node, weight, nodes);
                    replacedWeights.Add(node.Input[1]);
                    quantized++;
                }
                else
                {
                    nodes.Add(node);
                }
            }

            if (quantized == 0)
            {
                return 0;
            }

            _graph.Node.Clear();
            _graph.Node.AddRange(nodes);
            RemoveUnreferencedInitializers(replacedWeights);
            return quantized;
        }

        private bool IsWeightMatMul(NodeProto node) =>
            node.OpType == "MatMul"
            && node.Domain is "" or "ai.onnx"
            && node.Input.Count == 2
            && node.Output.Count == 1
            && !_graphInputs.Contains(node.Input[1])
            && _initializers.TryGetValue(node.Input[1], out var weight)
            && weight.DataType == (int)TensorProto.Types.DataType.Float
            && weight.DataLocation != TensorProto.Types.DataLocation.External
            && weight.Dims.Count == 2
            && weight.Dims[0] > 0
            && weight.Dims[1] > 0
            && weight.Dims[0] * weight.Dims[1] >= _minWeightElements
            && weight.Dims[0] * weight.Dims[1] <= int.MaxValue / sizeof(float);

        private QuantizedWeight? GetQuantizedWeight(string name)
        {
            // A weight shared by several MatMuls is quantized once; one with non-finite values is left alone.
            if (!_weights.TryGetValue(name, out var weight))
            {
                weight = QuantizePerColumn(_initializers[name]);
                if (weight is not null)
                {
                    _graph.Initializer.Add(weight.Values);
                    _graph.Initializer.Add(weight.ZeroPoints);
                    _graph.Initializer.Add(weight.Scales);
                }

                _weights[name] = weight;
            }

            return weight;
        }

        private QuantizedWeight? QuantizePerColumn(TensorProto tensor)
        {
            var rows = (int)tensor.Dims[0];
            var columns = (int)tensor.Dims[1];
            if (OnnxTensors.ReadFloats(tensor, rows * columns) is not { } values)
            {
                return null;
            }

            var maxAbs = new float[columns];
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    return null;
                }

                var column = i % columns;
                maxAbs[column] = MathF.Max(maxAbs[column], MathF.Abs(values[i]));
            }

            var scales = new float[columns];
            for (var c = 0; c < columns; c++)
            {
                var scale = maxAbs[c] / sbyte.MaxValue;
                scales[c] = scale > 0 ? scale : 1f;
            }

            // Symmetric [-127, 127] with zero point 0; round half to even as QuantizeLinear does.
            var quantized = new byte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var q = MathF.Round(values[i] / scales[i % columns], MidpointRounding.ToEven);
                quantized[i] = unchecked((byte)(sbyte)Math.Clamp((int)q, -sbyte.MaxValue, sbyte.MaxValue));
            }

            var scaleBytes = OnnxTensors.FloatBytes(scales);

            return new QuantizedWeight(
                Tensor(UniqueName(tensor.Name + "_quantized"), TensorProto.Types.DataType.Int8, quantized, rows, columns),
                Tensor(UniqueName(tensor.Name + "_zero_point"), TensorProto.Types.DataType.Int8, new byte[columns], columns),
                Tensor(UniqueName(tensor.Name + "_scale"), TensorProto.Types.DataType.Float, scaleBytes, columns));
        }

        private void EmitQuantizedMatMul(NodeProto matMul, QuantizedWeight weight, List<NodeProto> nodes)
        {
            var input = matMul.Input[0];
            var output = matMul.Output[0];
            var prefix = matMul.Name.Length > 0 ? matMul.Name : output;

            // Q, K and V read the same activation: quantize it once, where it is first used.
            if (!_activations.TryGetValue(input, out var activation))
            {
                activation = new QuantizedActivation(
                    UniqueName(input + "_quantized"), UniqueName(input + "_scale"), UniqueName(input + "_zero_point"));
                nodes.Add(Node("DynamicQuantizeLinear", UniqueName(input + "_QuantizeLinear"),
                    [input], [activation.Values, activation.Scale, activation.ZeroPoint]));
                _activations[input] = activation;
            }

            var product = UniqueName(output + "_int32");
            var productFloat = UniqueName(output + "_int32_float");
            var scale = UniqueName(output + "_scale");
            nodes.Add(Node("MatMulInteger", UniqueName(prefix + "_MatMulInteger"),
                [activation.Values, weight.Values.Name, activation.ZeroPoint, weight.ZeroPoints.Name], [product]));
            var cast = Node("Cast", UniqueName(prefix + "_Cast"), [product], [productFloat]);
            cast.Attribute.Add(new AttributeProto
            {
                Name = "to",
                Type = AttributeProto.Types.AttributeType.Int,
                I = (long)TensorProto.Types.DataType.Float,
            });
            nodes.Add(cast);
            nodes.Add(Node("Mul", UniqueName(prefix + "_ScaleMul"), [activation.Scale, weight.Scales.Name], [scale]));
            nodes.Add(Node("Mul", UniqueName(prefix + "_OutputMul"), [productFloat, scale], [output]));
        }

        private void RemoveUnreferencedInitializers(HashSet<string> candidates)
        {
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            CollectReferences(_graph, referenced);
            for (var i = _graph.Initializer.Count - 1; i >= 0; i--)
            {
                var name = _graph.Initializer[i].Name;
                if (candidates.Contains(name) && !referenced.Contains(name))
                {
                    _graph.Initializer.RemoveAt(i);
                }
            }
        }

        // Subgraphs (If, Loop, Scan bodies) may read an outer-scope initializer by name.
        private static void CollectReferences(GraphProto graph, HashSet<string> referenced)
        {
            foreach (var output in graph.Output)
            {
                referenced.Add(output.Name);
            }

            foreach (var node in graph.Node)
            {
                referenced.UnionWith(node.Input);
                foreach (var attribute in node.Attribute)
                {
                    if (attribute.G is not null)
                    {
                        CollectReferences(attribute.G, referenced);
                    }

                    foreach (var subgraph in attribute.Graphs)
                    {
                        CollectReferences(subgraph, referenced);
                    }
                }
            }
        }

        private string UniqueName(string candidate)
        {
            var name = candidate;
            for (var i = 1; !_names.Add(name); i++)
            {
                name = string.Create(CultureInfo.InvariantCulture, $"{candidate}_{i}");
            }

            return name;
        }

        private static NodeProto Node(string opType, string name, string[] inputs, string[] outputs)
        {
            var node = new NodeProto { OpType = opType, Name = name };
            node.Input.AddRange(inputs);
            node.Output.AddRange(outputs);
            return node;
        }

        private static TensorProto Tensor(string name, TensorProto.Types.DataType dataType, byte[] data, params long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)dataType, RawData = ByteString.CopyFrom(data) };
            tensor.Dims.AddRange(dims);
            return tensor;
        }
    }

    private sealed record QuantizedWeight(TensorProto Values, TensorProto ZeroPoints, TensorProto Scales);

    private sealed record QuantizedActivation(string Values, string Scale, string ZeroPoint);
}
