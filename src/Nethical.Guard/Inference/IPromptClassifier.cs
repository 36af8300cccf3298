namespace Nethical.Guard.Inference;

/// <summary>
/// A tier-2 model: prepares a text (tokenize, window) on the caller's thread and scores prepared texts in batches on
/// the batcher's. <see cref="OnnxClassifier"/> is the real one; tests use a hand-written fake.
/// </summary>
internal interface IPromptClassifier
{
    /// <summary>Part of every verdict-cache key: a new model never reads an old model's verdicts.</summary>
    string ModelVersion { get; }

    PreparedText Prepare(string text);

    /// <summary>One attack probability per text: the highest of its windows'.</summary>
    float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun);
}
