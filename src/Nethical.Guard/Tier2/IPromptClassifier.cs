namespace Nethical.Guard.Tier2;

/// <summary>
/// A tier-2 model: prepares a text (tokenize, window) on the caller's thread and scores prepared texts in batches on
/// the batcher's. The built-in one is the MiniLM encoder with the trained head (<c>OnnxClassifier</c>). A host replaces
/// it by registering its own as a singleton before <c>AddNethicalGuard()</c>: tier 2 then serves it behind the same
/// cache, coalescer, batcher, budget and breaker, reading its probabilities with 0.5 as the operating point and
/// without the distilled student (which was distilled from the built-in model). The container owns (and disposes) it.
/// </summary>
public interface IPromptClassifier
{
    /// <summary>Part of every verdict-cache key: a new model never reads an old model's verdicts.</summary>
    string ModelVersion { get; }

    /// <summary>
    /// Whether the model scores a text differently by its source (<see cref="PreparedText.Indirect"/>). When false, a
    /// text's verdict is shared by every source it arrives from.
    /// </summary>
    bool SourceAware { get; }

    /// <param name="text">The normalised text.</param>
    /// <param name="indirect">It came from a tool result or a document rather than a user, system or assistant turn.</param>
    PreparedText Prepare(string text, bool indirect);

    /// <summary>One attack probability per text: the highest of its windows'.</summary>
    float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun);
}
