namespace Nethical.Guard.Monitoring;

/// <summary>
/// What the guard did over the last <see cref="Window"/>: per stage and detector the latency, the share of requests
/// tier 2 had to read, its cache hit rate, batch size, shed and degraded counts, and tier 2's state now.
/// </summary>
public sealed record GuardStatisticsSnapshot
{
    /// <summary>The sliding window the counts and latencies cover.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Latency by stage or detector name (<see cref="GuardStatistics"/>'s constants, and any a host records).</summary>
    public required IReadOnlyDictionary<string, LatencyStatistics> Latency { get; init; }

    /// <summary>Requests screened (tier 1 ran).</summary>
    public required long Screened { get; init; }

    /// <summary>Requests the gate sent to tier 2 (some of their texts may have been cached).</summary>
    public required long SentToTier2 { get; init; }

    /// <summary><see cref="SentToTier2"/> over <see cref="Screened"/>; 0 when nothing was screened.</summary>
    public double Tier2Share => Screened == 0 ? 0 : (double)SentToTier2 / Screened;

    /// <summary>Tier-2 texts answered from the verdict cache.</summary>
    public required long CacheHits { get; init; }

    /// <summary>Tier-2 texts the cache did not hold.</summary>
    public required long CacheMisses { get; init; }

    /// <summary>Hits over look-ups; 0 when there were none.</summary>
    public double CacheHitRate => CacheHits + CacheMisses == 0 ? 0 : (double)CacheHits / (CacheHits + CacheMisses);

    /// <summary>Segments extracted from screened requests (with the segment memo on).</summary>
    public long Segments { get; init; }

    /// <summary>Segments answered from the segment memo (normalisation, rules and student skipped).</summary>
    public long SegmentsRecalled { get; init; }

    /// <summary><see cref="SegmentsRecalled"/> over <see cref="Segments"/>; 0 without segments.</summary>
    public double SegmentRecallRate => Segments == 0 ? 0 : (double)SegmentsRecalled / Segments;

    /// <summary>Model runs (batches).</summary>
    public required long Batches { get; init; }

    /// <summary>Texts per batch, on average; 0 without batches.</summary>
    public required double AverageBatchTexts { get; init; }

    /// <summary>Requests turned away by tier 2's admission control (or a full queue) under load.</summary>
    public required long Shed { get; init; }

    /// <summary>Requests that got tier 1's verdict instead of tier 2's, by cause (shed, timeout, circuit_open, error).</summary>
    public required IReadOnlyDictionary<string, long> Degraded { get; init; }

    /// <summary>Tier 2 now; null when no model is loaded.</summary>
    public Tier2State? Tier2 { get; init; }
}

/// <summary>Tier 2's state at the moment of a snapshot.</summary>
/// <param name="BreakerState">closed, open, half_open or isolated.</param>
/// <param name="QueueDepth">Requests waiting for the model.</param>
/// <param name="BacklogMilliseconds">How long the admitted work would take to drain, at the measured cost.</param>
/// <param name="CostPerWindowMilliseconds">The measured model cost of one encoder window (short-text lane).</param>
/// <param name="Stalled">A model run has gone far past its allowance (<c>StallPerWindow</c>): requests fail fast until it ends.</param>
public sealed record Tier2State(string BreakerState, int QueueDepth, double BacklogMilliseconds, double CostPerWindowMilliseconds, bool Stalled = false);
