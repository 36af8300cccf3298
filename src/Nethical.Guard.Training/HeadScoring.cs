using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>How a head scores a text from its cached window embeddings, as the served model does.</summary>
internal static class HeadScoring
{
    /// <summary>A text's score as served: the highest of its windows' probabilities, given its source.</summary>
    public static double MaxWindow(ClassifierHead head, float[] windows, int dimension, bool indirect = false)
    {
        var best = 0.0;
        for (var offset = 0; offset < windows.Length; offset += dimension)
        {
            best = Math.Max(best, head.Probability(windows.AsSpan(offset, dimension), indirect));
        }
        return best;
    }
}
