namespace Nethical.Guard.Monitoring;

/// <summary>Latency of one stage over the statistics window, in milliseconds.</summary>
/// <param name="Count">How many were recorded.</param>
/// <param name="Average">The mean.</param>
/// <param name="P50">The median (bucketed: within about 3 %).</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The highest, exact.</param>
public sealed record LatencyStatistics(long Count, double Average, double P50, double P95, double P99, double Max)
{
    /// <summary>Nothing recorded.</summary>
    public static LatencyStatistics Empty { get; } = new(0, 0, 0, 0, 0, 0);
}
