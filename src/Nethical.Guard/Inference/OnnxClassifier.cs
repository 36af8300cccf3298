namespace Nethical.Guard.Inference;

/// <summary>A text cut into encoder windows, ready to score.</summary>
/// <param name="Windows">At least one window (an empty text is one empty window).</param>
/// <param name="Truncated">True when the text had more windows than allowed and its end was not scored.</param>
/// <param name="Tokens">Word-piece count of the whole text.</param>
internal sealed record PreparedText(IReadOnlyList<TokenWindow> Windows, bool Truncated, int Tokens);

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
        if (head.Inputs != encoder.Dimension)
        {
            throw new InvalidDataException($"The head takes {head.Inputs} features; the encoder gives {encoder.Dimension}.");
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

    /// <summary>Tokenizes a text and cuts it into windows.</summary>
    public PreparedText Prepare(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _encoder.Tokenizer.Encode(text);
        var array = ids as int[] ?? [.. ids];
        var windows = new List<TokenWindow>(1);
        var complete = TokenWindows.Split(array, Windows.WindowTokens, Windows.Stride, Windows.MaxWindows, windows);
        return new PreparedText(windows, !complete, array.Length);
    }

    /// <summary>
    /// Scores several prepared texts together: their windows are sorted by length and run in chunks of at most
    /// <paramref name="maxWindowsPerRun"/>, so each chunk pads only to its own longest window.
    /// </summary>
    public float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun = 32)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindowsPerRun, 1);

        var all = new List<(TokenWindow Window, int Text)>();
        for (var t = 0; t < texts.Count; t++)
        {
            foreach (var window in texts[t].Windows)
            {
                all.Add((window, t));
            }
        }
        all.Sort(static (a, b) => a.Window.Ids.Length.CompareTo(b.Window.Ids.Length));

        var scores = new float[texts.Count];
        var chunk = new List<TokenWindow>(Math.Min(maxWindowsPerRun, all.Count));
        for (var start = 0; start < all.Count; start += maxWindowsPerRun)
        {
            var count = Math.Min(maxWindowsPerRun, all.Count - start);
            chunk.Clear();
            for (var i = 0; i < count; i++)
            {
                chunk.Add(all[start + i].Window);
            }
            var embeddings = _encoder.Embed(chunk);
            for (var i = 0; i < count; i++)
            {
                var probability = _head.Probability(embeddings.AsSpan(i * _encoder.Dimension, _encoder.Dimension));
                var text = all[start + i].Text;
                scores[text] = Math.Max(scores[text], probability);
            }
        }
        return scores;
    }

    /// <summary>Scores one text (tests and tools; the serving path batches).</summary>
    public float Score(string text) => ScoreBatch([Prepare(text)])[0];

    public void Dispose() => _encoder.Dispose();
}
