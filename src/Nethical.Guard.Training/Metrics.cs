namespace Nethical.Guard.Training;

/// <summary>Binary-classification measures over scores (higher = more likely an attack).</summary>
internal static class Metrics
{
    /// <summary>ROC AUC by the rank-sum statistic, ties counted half. NaN when a class is empty.</summary>
    public static double RocAuc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0)
        {
            return double.NaN;
        }
        var sorted = negatives.Order().ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            var below = LowerBound(sorted, p);
            var notAbove = UpperBound(sorted, p);
            wins += below + (0.5 * (notAbove - below));
        }
        return wins / ((double)positives.Count * negatives.Count);
    }

    /// <summary>
    /// The threshold that lets at most <paramref name="fpr"/> of the negatives through (a score must be strictly above it),
    /// and the recall there. With n negatives, floor(fpr·n) of them may score above the threshold.
    /// </summary>
    public static (double Recall, double Threshold) RecallAtFpr(IReadOnlyList<double> positives, IReadOnlyList<double> negatives, double fpr)
    {
        var threshold = ThresholdAtFpr(negatives, fpr);
        if (positives.Count == 0)
        {
            return (double.NaN, threshold);
        }
        var caught = positives.Count(p => p > threshold);
        return ((double)caught / positives.Count, threshold);
    }

    public static double ThresholdAtFpr(IReadOnlyList<double> negatives, double fpr)
    {
        if (negatives.Count == 0)
        {
            return double.NaN;
        }
        var descending = negatives.OrderDescending().ToArray();
        var allowed = (int)Math.Floor(fpr * descending.Length);
        return allowed >= descending.Length ? double.NegativeInfinity : descending[allowed];
    }

    /// <summary>Precision, recall and F1 where a score at or above <paramref name="threshold"/> is flagged.</summary>
    public static (double Precision, double Recall, double F1, double Fpr) AtThreshold(
        IReadOnlyList<double> positives, IReadOnlyList<double> negatives, double threshold)
    {
        var tp = positives.Count(p => p >= threshold);
        var fp = negatives.Count(n => n >= threshold);
        var precision = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp);
        var recall = positives.Count == 0 ? double.NaN : (double)tp / positives.Count;
        var f1 = double.IsNaN(precision) || double.IsNaN(recall) || precision + recall == 0 ? double.NaN : 2 * precision * recall / (precision + recall);
        var fpr = negatives.Count == 0 ? double.NaN : (double)fp / negatives.Count;
        return (precision, recall, f1, fpr);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
