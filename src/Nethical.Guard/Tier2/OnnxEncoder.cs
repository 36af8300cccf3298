using Microsoft.ML.OnnxRuntime;

namespace Nethical.Guard.Tier2;

/// <summary>
/// One ONNX Runtime session over a BERT-style sentence encoder: token windows in, mean-pooled, L2-normalised
/// embeddings out. Created once; <see cref="Embed"/> is thread-safe (ONNX Runtime sessions allow concurrent runs),
/// though the serving path calls it from one batching loop.
/// </summary>
internal sealed class OnnxEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly EncoderTokenizer _tokenizer;
    private readonly string _outputName;
    private readonly bool _hasTokenTypes;

    public OnnxEncoder(byte[] model, EncoderTokenizer tokenizer, int intraOpThreads)
        : this(tokenizer, options => new InferenceSession(model, options), intraOpThreads)
    {
    }

    public OnnxEncoder(string modelPath, EncoderTokenizer tokenizer, int intraOpThreads)
        : this(tokenizer, options => new InferenceSession(modelPath, options), intraOpThreads)
    {
    }

    private OnnxEncoder(EncoderTokenizer tokenizer, Func<SessionOptions, InferenceSession> create, int intraOpThreads)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        _tokenizer = tokenizer;

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        // The proxy shares these cores: idle inference threads must sleep, not spin.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        _session = create(options);

        var inputs = _session.InputMetadata;
        if (!inputs.ContainsKey("input_ids") || !inputs.ContainsKey("attention_mask"))
        {
            _session.Dispose();
            throw new InvalidDataException("The encoder model must take 'input_ids' and 'attention_mask' inputs.");
        }
        _hasTokenTypes = inputs.ContainsKey("token_type_ids");
        _outputName = _session.OutputMetadata.ContainsKey("last_hidden_state")
            ? "last_hidden_state"
            : _session.OutputMetadata.Keys.First();
        var outputShape = _session.OutputMetadata[_outputName].Dimensions;
        Dimension = outputShape.Length == 3 && outputShape[2] > 0
            ? outputShape[2]
            : throw new InvalidDataException("The encoder's output must be [batch, sequence, hidden].");
    }

    /// <summary>Embedding width (384 for the shipped encoders).</summary>
    public int Dimension { get; }

    public EncoderTokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// Embeds a batch of windows, padded to the longest window in the batch (not to a fixed length).
    /// Returns <c>windows.Count * Dimension</c> floats, row-major.
    /// </summary>
    public float[] Embed(IReadOnlyList<TokenWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var batch = windows.Count;
        var embeddings = new float[batch * Dimension];
        if (batch == 0)
        {
            return embeddings;
        }

        var (ids, mask, lengths, sequence) = Inputs(windows, _tokenizer);

        long[] shape = [batch, sequence];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[batch * sequence], shape);
        var names = _hasTokenTypes
            ? new[] { "input_ids", "attention_mask", "token_type_ids" }
            : new[] { "input_ids", "attention_mask" };
        var values = _hasTokenTypes
            ? new[] { idsValue, maskValue, typesValue }
            : new[] { idsValue, maskValue };

        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, [_outputName]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        Pool(hidden, lengths, sequence, embeddings);
        return embeddings;
    }

    /// <summary>
    /// The encoder's inputs for a batch of windows, as serving and fine-tuning both feed it: [CLS] ids [SEP], padded to the
    /// longest window of the batch, with a 0/1 attention mask; row-major [batch, sequence].
    /// </summary>
    internal static (long[] Ids, long[] Mask, int[] Lengths, int Sequence) Inputs(IReadOnlyList<TokenWindow> windows, EncoderTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var batch = windows.Count;
        var sequence = 0;
        foreach (var window in windows)
        {
            sequence = Math.Max(sequence, window.Ids.Length + 2);
        }

        var ids = new long[batch * sequence];
        var mask = new long[batch * sequence];
        var lengths = new int[batch];
        for (var row = 0; row < batch; row++)
        {
            var offset = row * sequence;
            var source = windows[row].Ids.Span;
            ids[offset] = tokenizer.ClassificationTokenId;
            for (var i = 0; i < source.Length; i++)
            {
                ids[offset + 1 + i] = source[i];
            }
            ids[offset + 1 + source.Length] = tokenizer.SeparatorTokenId;
            for (var i = source.Length + 2; i < sequence; i++)
            {
                ids[offset + i] = tokenizer.PaddingTokenId;
            }
            lengths[row] = source.Length + 2;
            mask.AsSpan(offset, lengths[row]).Fill(1);
        }
        return (ids, mask, lengths, sequence);
    }

    /// <summary>Mean over the unmasked positions ([CLS] and [SEP] included, as sentence-transformers pools), then L2 norm.</summary>
    private void Pool(ReadOnlySpan<float> hidden, int[] lengths, int sequence, float[] embeddings)
    {
        var dimension = Dimension;
        for (var row = 0; row < lengths.Length; row++)
        {
            var target = embeddings.AsSpan(row * dimension, dimension);
            for (var position = 0; position < lengths[row]; position++)
            {
                var token = hidden.Slice(((row * sequence) + position) * dimension, dimension);
                for (var d = 0; d < dimension; d++)
                {
                    target[d] += token[d];
                }
            }

            var norm = 0.0;
            for (var d = 0; d < dimension; d++)
            {
                target[d] /= lengths[row];
                norm += (double)target[d] * target[d];
            }
            var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
            for (var d = 0; d < dimension; d++)
            {
                target[d] *= scale;
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
