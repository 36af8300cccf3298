namespace Nethical.Guard.Training;

/// <summary>How much the shared rows and the generated rows each weigh when a head is fitted on both.</summary>
internal static class SourceWeighting
{
    /// <summary>The generated corpus's weight per class relative to the shared data's (measured: 1 and 0.5 cost the shared held-back split 5–7 points).</summary>
    public const double DefaultCorpusWeight = 0.25;

    /// <summary>Shared and generated rows balanced per class, the generated side then scaled by <paramref name="corpusWeight"/>.</summary>
    public static float[] SourceWeights(IReadOnlyList<string> groups, IReadOnlyList<int> y, double corpusWeight)
    {
        var weights = HeadTrainer.BalancedWeights([.. groups.Select(g => g == TrainingSplit.CorpusFile ? "generated" : "shared")], y);
        for (var i = 0; i < weights.Length; i++)
        {
            if (groups[i] == TrainingSplit.CorpusFile)
            {
                weights[i] *= (float)corpusWeight;
            }
        }
        return weights;
    }
}
