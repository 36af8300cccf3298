using System.Collections.Concurrent;

namespace Nethical.Guard.Monitoring;

/// <summary>
/// The guard's live statistics over a sliding window (the seed's <c>get_metrics()</c>): latency per stage and
/// detector, the share of traffic sent to tier 2, cache hit rate, batch size, shed and degraded counts. The engine
/// records its own stages; a host may record its own under other names (<see cref="Record"/>). Cheap enough for every
/// request: a few interlocked adds. Thread-safe; one instance per host.
/// </summary>
public sealed class GuardStatistics
{
    /// <summary>The whole screening of a request, tier 2 included: extraction to decision.</summary>
    public const string Screening = "screening";

    /// <summary>Reading the prompt out of the body.</summary>
    public const string Extraction = "extraction";

    /// <summary>Normalising the extracted text.</summary>
    public const string Normalization = "normalization";

    /// <summary>Tier 1's rules.</summary>
    public const string Tier1 = "prompt_injection.tier1";

    /// <summary>The gate: the student and the odd-tail check deciding what tier 2 reads.</summary>
    public const string Gate = "gate";

    /// <summary>Tier 2 for one request that needed it: cache, queue and model.</summary>
    public const string Tier2 = "prompt_injection.tier2";

    /// <summary>One model run (a batch).</summary>
    public const string Tier2Inference = "tier2.inference";

    /// <summary>The default window.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(60);

    private const int Slices = 12;

    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, SlidingLatency> _latency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SlidingCounter> _degraded = new(StringComparer.Ordinal);
    private readonly Func<string, SlidingLatency> _newLatency;
    private readonly Func<string, SlidingCounter> _newCounter;
    private readonly SlidingCounter _screened;
    private readonly SlidingCounter _sentToTier2;
    private readonly SlidingCounter _cacheHits;
    private readonly SlidingCounter _cacheMisses;
    private readonly SlidingCounter _batches;
    private readonly SlidingCounter _batchTexts;
    private readonly SlidingCounter _shed;
    private readonly SlidingCounter _segments;
    private readonly SlidingCounter _segmentsRecalled;

    /// <summary>Statistics over <see cref="DefaultWindow"/> on the system clock.</summary>
    public GuardStatistics()
        : this(TimeProvider.System, DefaultWindow)
    {
    }

    /// <summary>Statistics over <paramref name="window"/> (cut into 12 slices that expire one by one).</summary>
    public GuardStatistics(TimeProvider timeProvider, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _timeProvider = timeProvider;
        Window = window;
        _newLatency = _ => new SlidingLatency(_timeProvider, Window, Slices);
        _newCounter = _ => NewCounter();
        _screened = NewCounter();
        _sentToTier2 = NewCounter();
        _cacheHits = NewCounter();
        _cacheMisses = NewCounter();
        _batches = NewCounter();
        _batchTexts = NewCounter();
        _shed = NewCounter();
        _segments = NewCounter();
        _segmentsRecalled = NewCounter();
    }

    /// <summary>The window the statistics cover.</summary>
    public TimeSpan Window { get; }

    /// <summary>Tier 2's live state, when a model is loaded.</summary>
    internal Func<Tier2State>? Tier2Source { get; set; }

    private SlidingCounter NewCounter() => new(_timeProvider, Window, Slices);

    /// <summary>Records one latency under <paramref name="name"/> (a stage or a detector).</summary>
    public void Record(string name, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(name);
        _latency.GetOrAdd(name, _newLatency).Record(elapsed);
    }

    internal void Screened(bool sentToTier2)
    {
        _screened.Add();
        if (sentToTier2)
        {
            _sentToTier2.Add();
        }
    }

    internal void SegmentsRecalled(int recalled, int segments)
    {
        _segments.Add(segments);
        _segmentsRecalled.Add(recalled);
    }

    internal void CacheLookup(bool hit) => (hit ? _cacheHits : _cacheMisses).Add();

    internal void Batch(int texts, TimeSpan elapsed)
    {
        _batches.Add();
        _batchTexts.Add(texts);
        Record(Tier2Inference, elapsed);
    }

    internal void Degraded(string cause)
    {
        _degraded.GetOrAdd(cause, _newCounter).Add();
        if (cause == "shed")
        {
            _shed.Add();
        }
    }

    /// <summary>The statistics now.</summary>
    public GuardStatisticsSnapshot Snapshot()
    {
        var latency = new SortedDictionary<string, LatencyStatistics>(StringComparer.Ordinal);
        foreach (var (name, window) in _latency)
        {
            latency[name] = window.Summarize();
        }
        var degraded = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (cause, counter) in _degraded)
        {
            degraded[cause] = counter.Total();
        }
        var batches = _batches.Total();
        return new GuardStatisticsSnapshot
        {
            Window = Window,
            Latency = latency,
            Screened = _screened.Total(),
            SentToTier2 = _sentToTier2.Total(),
            CacheHits = _cacheHits.Total(),
            CacheMisses = _cacheMisses.Total(),
            Batches = batches,
            AverageBatchTexts = batches == 0 ? 0 : (double)_batchTexts.Total() / batches,
            Shed = _shed.Total(),
            Segments = _segments.Total(),
            SegmentsRecalled = _segmentsRecalled.Total(),
            Degraded = degraded,
            Tier2 = Tier2Source?.Invoke(),
        };
    }
}
