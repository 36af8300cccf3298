using Nethical.Guard.Offline;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>
/// The packaged BERT-style encoder (MiniLM-L6: 384 wide, 12 heads, 1536 intermediate) rebuilt in TorchSharp from its own
/// ONNX graph, so it can be fine-tuned end to end: the same arithmetic as the graph (LayerNorm eps 1e-12, exact erf GELU,
/// an additive mask of -10000) and the same pooling as serving (mean over the unmasked positions, [CLS] and [SEP]
/// included, then L2 norm). <see cref="Export"/> gives the tuned tensors back under the graph's names.
/// </summary>
internal sealed class TorchEncoder : Module<Tensor, Tensor, Tensor>
{
    public const int Hidden = 384;
    private const int Heads = 12;
    private const int Intermediate = 1536;
    private const double Epsilon = 1e-12;

    /// <summary>BERT's dropout, on attention probabilities and sub-layer outputs, while training only.</summary>
    private const double Dropout = 0.1;

    private readonly Embedding _words;
    private readonly Embedding _positions;
    private readonly Embedding _types;
    private readonly LayerNorm _embeddingNorm;
    private readonly ModuleList<EncoderLayer> _layers;

    private TorchEncoder(int vocabulary, int positions, int layers) : base(nameof(TorchEncoder))
    {
        _words = Embedding(vocabulary, Hidden);
        _positions = Embedding(positions, Hidden);
        _types = Embedding(2, Hidden);
        _embeddingNorm = LayerNorm(Hidden, Epsilon);
        _layers = new ModuleList<EncoderLayer>([.. Enumerable.Range(0, layers).Select(i => new EncoderLayer(i))]);
        RegisterComponents();
    }

    public int LayerCount => _layers.Count;

    /// <summary>The first <paramref name="layers"/> layers of the graph's encoder (all of them when null), weights copied in.</summary>
    public static TorchEncoder FromOnnx(Stream onnx, int? layers = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var model = Onnx.ModelProto.Parser.ParseFrom(onnx);
        var graph = new EncoderGraph(model.Graph);
        var keep = layers ?? graph.LayerCount;
        if (keep < 1 || keep > graph.LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(layers), $"The encoder has {graph.LayerCount} layers; {keep} asked for.");
        }
        var words = graph.Find("embeddings.word_embeddings.weight") ?? throw new InvalidDataException("No word embeddings in the graph.");
        var positions = graph.Find("embeddings.position_embeddings.weight") ?? throw new InvalidDataException("No position embeddings in the graph.");
        var encoder = new TorchEncoder((int)words.Dims[0], (int)positions.Dims[0], keep);
        using (no_grad())
        {
            foreach (var (name, parameter) in encoder.named_parameters())
            {
                var (onnxName, transposed) = OnnxName(name);
                var tensor = graph.Find(onnxName) ?? throw new InvalidDataException($"The graph has no tensor for {name} ({onnxName}).");
                var values = EncoderGraph.Values(tensor);
                var dimensions = tensor.Dims.ToArray();
                using var source = torch.tensor(values, dimensions);
                parameter.copy_(transposed ? source.t() : source);
            }
        }
        return encoder;
    }

    /// <summary>Mean-pooled, L2-normalised embeddings [batch, 384] of token ids [batch, sequence] under a 0/1 mask.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var sequence = ids.shape[1];
        var positions = arange(sequence, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        var x = _words.call(ids) + _positions.call(positions) + _types.call(zeros_like(ids));
        x = _embeddingNorm.call(x);
        var floatMask = mask.to_type(ScalarType.Float32);
        // [batch, 1, 1, sequence]: 0 where attended, -10000 where padded, as the graph computes it.
        var additive = ((1.0f - floatMask) * -10000.0f).unsqueeze(1).unsqueeze(1);
        foreach (var layer in _layers)
        {
            x = layer.call(x, additive);
        }
        var weights = floatMask.unsqueeze(-1);
        var pooled = (x * weights).sum(1) / weights.sum(1).clamp_min(1e-9);
        return functional.normalize(pooled, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>The kept layers' tensors under the graph's names and layout (weights [in, out]), for <see cref="EncoderWeights"/>.</summary>
    public EncoderWeights Export()
    {
        var tensors = new List<EncoderTensor>();
        using (no_grad())
        {
            foreach (var (name, parameter) in named_parameters())
            {
                if (!name.StartsWith("_layers.", StringComparison.Ordinal))
                {
                    continue;
                }
                var (onnxName, transposed) = OnnxName(name);
                using var value = (transposed ? parameter.t() : parameter).contiguous().cpu();
                tensors.Add(new EncoderTensor(onnxName, value.shape, value.data<float>().ToArray()));
            }
        }
        return new EncoderWeights(LayerCount, tensors);
    }

    /// <summary>Freezes or thaws the embedding tables and their LayerNorm (the layers always train).</summary>
    public void TrainEmbeddings(bool train)
    {
        foreach (var parameter in new[] { _words.weight!, _positions.weight!, _types.weight!, _embeddingNorm.weight!, _embeddingNorm.bias! })
        {
            parameter.requires_grad = train;
        }
    }

    /// <summary>A TorchSharp parameter name → the graph's tensor name, and whether the graph stores it transposed ([in, out]).</summary>
    private static (string Name, bool Transposed) OnnxName(string parameter)
    {
        var parts = parameter.Split('.');
        string Embeddings(string table) => $"embeddings.{table}.weight";
        return parts[0] switch
        {
            "_words" => (Embeddings("word_embeddings"), false),
            "_positions" => (Embeddings("position_embeddings"), false),
            "_types" => (Embeddings("token_type_embeddings"), false),
            "_embeddingNorm" => ($"embeddings.LayerNorm.{parts[1]}", false),
            "_layers" => LayerName(parts[1], parts[2], parts[3]),
            _ => throw new InvalidOperationException($"Unknown parameter {parameter}."),
        };

        static (string, bool) LayerName(string index, string module, string kind)
        {
            var prefix = $"encoder.layer.{index}.";
            var name = module switch
            {
                "query" or "key" or "value" => $"attention.self.{module}",
                "attentionOutput" => "attention.output.dense",
                "attentionNorm" => "attention.output.LayerNorm",
                "intermediate" => "intermediate.dense",
                "output" => "output.dense",
                "outputNorm" => "output.LayerNorm",
                _ => throw new InvalidOperationException($"Unknown layer module {module}."),
            };
            var isLinearWeight = kind == "weight" && !name.EndsWith("LayerNorm", StringComparison.Ordinal);
            return (prefix + name + "." + kind, isLinearWeight);
        }
    }

    /// <summary>One transformer layer, post-norm as BERT.</summary>
    private sealed class EncoderLayer : Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear query;
        private readonly Linear key;
        private readonly Linear value;
        private readonly Linear attentionOutput;
        private readonly LayerNorm attentionNorm;
        private readonly Linear intermediate;
        private readonly Linear output;
        private readonly LayerNorm outputNorm;

        public EncoderLayer(int index) : base($"layer{index}")
        {
            query = Linear(Hidden, Hidden);
            key = Linear(Hidden, Hidden);
            value = Linear(Hidden, Hidden);
            attentionOutput = Linear(Hidden, Hidden);
            attentionNorm = LayerNorm(Hidden, Epsilon);
            intermediate = Linear(Hidden, Intermediate);
            output = Linear(Intermediate, Hidden);
            outputNorm = LayerNorm(Hidden, Epsilon);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor additiveMask)
        {
            using var scope = NewDisposeScope();
            var batch = x.shape[0];
            var sequence = x.shape[1];
            const int headSize = Hidden / Heads;
            Tensor Split(Tensor t) => t.view(batch, sequence, Heads, headSize).transpose(1, 2);
            var q = Split(query.call(x));
            var k = Split(key.call(x));
            var v = Split(value.call(x));
            var scores = q.matmul(k.transpose(-1, -2)) / MathF.Sqrt(headSize) + additiveMask;
            var probabilities = functional.dropout(scores.softmax(-1), Dropout, training);
            var context = probabilities.matmul(v).transpose(1, 2).contiguous().view(batch, sequence, Hidden);
            var attended = attentionNorm.call(functional.dropout(attentionOutput.call(context), Dropout, training) + x);
            var expanded = functional.gelu(intermediate.call(attended));
            return outputNorm.call(functional.dropout(output.call(expanded), Dropout, training) + attended).MoveToOuterDisposeScope();
        }
    }
}
