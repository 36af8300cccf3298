using System.Numerics;

namespace Nethical.Guard.Monitoring;

/// <summary>
/// Latencies over a sliding time window: a log-bucketed histogram (16 buckets per power of two of microseconds, so a
/// percentile is within about 3 % of the true value) per time slice, slices reused as the window moves on. Recording
/// is lock-free except when a slice is reused; reading merges the live slices. Thread-safe.
/// </summary>
internal sealed class SlidingLatency
{
    private const int SubBuckets = 16;
    private const int Buckets = 28 * SubBuckets;

    private readonly SlidingSlices<Slice> _slices;

    public SlidingLatency(TimeProvider timeProvider, TimeSpan window, int slices)
        => _slices = new SlidingSlices<Slice>(timeProvider, window, slices, static () => new Slice());

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Max(0, (long)elapsed.TotalMicroseconds);
        var slice = _slices.Current();
        Interlocked.Increment(ref slice.Counts[BucketOf(micros)]);
        Interlocked.Add(ref slice.SumMicros, micros);
        var max = Volatile.Read(ref slice.MaxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref slice.MaxMicros, micros, max);
            if (seen == max)
            {
                break;
            }
            max = seen;
        }
    }

    /// <summary>Count, average, p50, p95, p99 and max over the window, in milliseconds.</summary>
    public LatencyStatistics Summarize()
    {
        var counts = new long[Buckets];
        long count = 0, sum = 0, max = 0;
        foreach (var slice in _slices.Live())
        {
            for (var i = 0; i < Buckets; i++)
            {
                var bucket = Volatile.Read(ref slice.Counts[i]);
                counts[i] += bucket;
                // The total comes from the buckets read, so a record landing mid-read cannot push a rank past them.
                count += bucket;
            }
            sum += Volatile.Read(ref slice.SumMicros);
            max = Math.Max(max, Volatile.Read(ref slice.MaxMicros));
        }
        if (count == 0)
        {
            return LatencyStatistics.Empty;
        }
        return new LatencyStatistics(
            count,
            sum / (double)count / 1000,
            Percentile(counts, count, 0.50, max) / 1000,
            Percentile(counts, count, 0.95, max) / 1000,
            Percentile(counts, count, 0.99, max) / 1000,
            max / 1000.0);
    }

    private static double Percentile(long[] counts, long total, double quantile, long max)
    {
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= Math.Max(1, rank))
            {
                var (low, high) = BoundsOf(i);
                return Math.Min((low + high) / 2.0, max);
            }
        }
        return max;
    }

    /// <summary>The bucket of a value in microseconds: exact below 32, then 16 per power of two.</summary>
    internal static int BucketOf(long micros)
    {
        if (micros < 2 * SubBuckets)
        {
            return (int)micros;
        }
        var power = BitOperations.Log2((ulong)micros);
        var mantissa = (int)(micros >> (power - 4));
        return Math.Min(Buckets - 1, ((power - 4) * SubBuckets) + mantissa);
    }

    /// <summary>The lowest and highest value (microseconds) a bucket holds.</summary>
    internal static (long Low, long High) BoundsOf(int bucket)
    {
        if (bucket < 2 * SubBuckets)
        {
            return (bucket, bucket);
        }
        var power = (bucket / SubBuckets) + 3;
        long mantissa = (bucket % SubBuckets) + SubBuckets;
        return (mantissa << (power - 4), ((mantissa + 1) << (power - 4)) - 1);
    }

    private sealed class Slice : ISlice
    {
        public readonly long[] Counts = new long[Buckets];
        public long SumMicros;
        public long MaxMicros;

        public void Clear()
        {
            Array.Clear(Counts);
            SumMicros = 0;
            MaxMicros = 0;
        }
    }
}

/// <summary>A count over a sliding time window. Thread-safe.</summary>
internal sealed class SlidingCounter
{
    private readonly SlidingSlices<Slice> _slices;

    public SlidingCounter(TimeProvider timeProvider, TimeSpan window, int slices)
        => _slices = new SlidingSlices<Slice>(timeProvider, window, slices, static () => new Slice());

    public void Add(long value = 1) => Interlocked.Add(ref _slices.Current().Value, value);

    public long Total()
    {
        long total = 0;
        foreach (var slice in _slices.Live())
        {
            total += Volatile.Read(ref slice.Value);
        }
        return total;
    }

    private sealed class Slice : ISlice
    {
        public long Value;

        public void Clear() => Value = 0;
    }
}

internal interface ISlice
{
    void Clear();
}

/// <summary>
/// A ring of time slices: the window is cut into <c>slices</c> equal parts, each reused (cleared) when the window has
/// moved past it. The live slices are those of the last <c>slices</c> periods, the current one included.
/// </summary>
internal sealed class SlidingSlices<T> where T : class, ISlice
{
    private readonly TimeProvider _timeProvider;
    private readonly long _sliceTicks;
    private readonly T[] _slices;
    private readonly long[] _epochs;

    public SlidingSlices(TimeProvider timeProvider, TimeSpan window, int slices, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(slices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _timeProvider = timeProvider;
        _sliceTicks = Math.Max(1, (long)(window.TotalSeconds / slices * timeProvider.TimestampFrequency));
        _slices = new T[slices];
        _epochs = new long[slices];
        for (var i = 0; i < slices; i++)
        {
            _slices[i] = create();
            _epochs[i] = -1;
        }
    }

    private long Epoch => _timeProvider.GetTimestamp() / _sliceTicks;

    public T Current()
    {
        var epoch = Epoch;
        var index = (int)(epoch % _slices.Length);
        var slice = _slices[index];
        if (Volatile.Read(ref _epochs[index]) != epoch)
        {
            lock (slice)
            {
                if (_epochs[index] != epoch)
                {
                    slice.Clear();
                    Volatile.Write(ref _epochs[index], epoch);
                }
            }
        }
        return slice;
    }

    public IEnumerable<T> Live()
    {
        var epoch = Epoch;
        for (var i = 0; i < _slices.Length; i++)
        {
            var sliceEpoch = Volatile.Read(ref _epochs[i]);
            if (sliceEpoch >= 0 && sliceEpoch > epoch - _slices.Length && sliceEpoch <= epoch)
            {
                yield return _slices[i];
            }
        }
    }
}
