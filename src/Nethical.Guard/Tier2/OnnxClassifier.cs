namespace Nethical.Guard.Tier2;

/// <summary>Window settings for the tier-2 model.</summary>
/// <param name="WindowTokens">Word pieces per window, [CLS] and [SEP] excluded.</param>
/// <param name="Stride">Start-to-start distance between windows; the overlap is <c>WindowTokens - Stride</c>.</param>
/// <param name="MaxWindows">The most windows one text is cut into.</param>
internal sealed record WindowSettings(int WindowTokens = 126, int Stride = 94, int MaxWindows = 256);

/// <summary>
/// The tier-2 model: the encoder, its tokenizer and the trained head. A text's score is the highest of its windows'
/// attack probabilities. <see cref="ScoreBatch"/> is synchronous and CPU-bound; the serving path calls it from the
/// dynamic batcher's loop.
/// </summary>
internal sealed class OnnxClassifier : IPromptClassifier, IDisposable
{
    private readonly OnnxEncoder _encoder;
    private readonly ClassifierHead _head;

    public OnnxClassifier(OnnxEncoder encoder, ClassifierHead head, WindowSettings windows, string modelVersion)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        if (head.EmbeddingDimension != encoder.Dimension)
        {
            throw new InvalidDataException($"The head takes {head.EmbeddingDimension}-wide embeddings; the encoder gives {encoder.Dimension}.");
        }
        _encoder = encoder;
        _head = head;
        Windows = windows;
        ModelVersion = modelVersion;
    }

    /// <summary>Identifies the model in cache keys and telemetry (head version and encoder variant).</summary>
    public string ModelVersion { get; }

    public WindowSettings Windows { get; }

    public OnnxEncoder Encoder => _encoder;

    public ClassifierHead Head => _head;

    /// <inheritdoc/>
    public bool SourceAware => _head.SourceAware;

    /// <summary>Tokenizes a text and cuts it into windows.</summary>
    public PreparedText Prepare(string text, bool indirect = false) => Prepare(_encoder.Tokenizer, Windows, text, indirect);

    /// <summary>Tokenizes a text and cuts it into windows with these settings (serving and fine-tuning alike).</summary>
    internal static PreparedText Prepare(EncoderTokenizer tokenizer, WindowSettings settings, string text, bool indirect = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(text);
        var ids = tokenizer.Encode(text);
        var array = ids as int[] ?? [.. ids];
        var windows = new List<TokenWindow>(1);
        var complete = TokenWindows.Split(array, settings.WindowTokens, settings.Stride, settings.MaxWindows, windows);
        return new PreparedText(windows, !complete, array.Length, indirect);
    }

    /// <summary>
    /// Scores several prepared texts together: the highest window probability of each. See <see cref="EmbedBatch"/>.
    /// </summary>
    public float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun = 32)
    {
        var embedded = EmbedBatch(texts, maxWindowsPerRun);
        var dimension = _encoder.Dimension;
        var scores = new float[texts.Count];
        for (var t = 0; t < embedded.Length; t++)
        {
            for (var offset = 0; offset < embedded[t].Length; offset += dimension)
            {
                scores[t] = Math.Max(scores[t], _head.Probability(embedded[t].AsSpan(offset, dimension), texts[t].Indirect));
            }
        }
        return scores;
    }

    /// <summary>
    /// Embeds several prepared texts together: their windows are sorted by length and run in chunks of at most
    /// <paramref name="maxWindowsPerRun"/>, so each chunk pads only to its own longest window. Returns each text's
    /// window embeddings, flattened [windows × dimension], in the texts' order.
    /// </summary>
    public float[][] EmbedBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun = 32, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindowsPerRun, 1);

        var dimension = _encoder.Dimension;
        var all = new List<(TokenWindow Window, int Text, int Index)>();
        var embedded = new float[texts.Count][];
        for (var t = 0; t < texts.Count; t++)
        {
            var windows = texts[t].Windows;
            embedded[t] = new float[windows.Count * dimension];
            for (var w = 0; w < windows.Count; w++)
            {
                all.Add((windows[w], t, w));
            }
        }
        // Stable (ties keep text and window order): the same texts always make the same chunks.
        all.Sort(static (a, b) =>
        {
            var byLength = a.Window.Ids.Length.CompareTo(b.Window.Ids.Length);
            return byLength != 0 ? byLength : a.Text != b.Text ? a.Text.CompareTo(b.Text) : a.Index.CompareTo(b.Index);
        });

        var chunk = new List<TokenWindow>(Math.Min(maxWindowsPerRun, all.Count));
        for (var start = 0; start < all.Count; start += maxWindowsPerRun)
        {
            var count = Math.Min(maxWindowsPerRun, all.Count - start);
            chunk.Clear();
            for (var i = 0; i < count; i++)
            {
                chunk.Add(all[start + i].Window);
            }
            var vectors = _encoder.Embed(chunk);
            for (var i = 0; i < count; i++)
            {
                var (_, text, index) = all[start + i];
                vectors.AsSpan(i * dimension, dimension).CopyTo(embedded[text].AsSpan(index * dimension));
            }
            if (progress is not null && (start / maxWindowsPerRun) % 20 == 0)
            {
                progress.Report($"  embedded {start + count}/{all.Count} windows");
            }
        }
        return embedded;
    }

    /// <summary>Scores one text (tests and tools; the serving path batches).</summary>
    public float Score(string text, bool indirect = false) => ScoreBatch([Prepare(text, indirect)])[0];

    public void Dispose() => _encoder.Dispose();
}
