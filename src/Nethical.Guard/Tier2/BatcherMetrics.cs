using System.Diagnostics.Metrics;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Instruments of the tier-2 <see cref="DynamicBatcher{TItem, TResult}"/>: batch size, queue wait, inference time,
/// shed items and queue depth, on the <see cref="GuardDiagnostics.MeterName"/> meter.
/// </summary>
/// <remarks>
/// One instance serves any number of batchers; the queue-depth gauge reports the sum of the depths of the batchers
/// that use it and are not yet disposed.
/// </remarks>
internal sealed class BatcherMetrics
{
    private static readonly InstrumentAdvice<int> s_batchSizeAdvice = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] };

    private static readonly InstrumentAdvice<double> s_secondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    };

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Counter<long> _shed;
    private readonly Lock _depthSourcesLock = new();
    private Func<int>[] _depthSources = [];

    /// <summary>Creates the instruments on the meter that <paramref name="meterFactory"/> returns for <see cref="GuardDiagnostics.MeterName"/>.</summary>
    public BatcherMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        var meter = meterFactory.Create(GuardDiagnostics.MeterName);
        _batchSize = meter.CreateHistogram("nethical.tier2.batch.size", unit: "{item}", description: "Items per tier-2 inference batch.", advice: s_batchSizeAdvice);
        _queueWait = meter.CreateHistogram(
            "nethical.tier2.queue.wait",
            unit: "s",
            description: "Time an item waited in the tier-2 queue, from enqueue to the start of its batch.",
            advice: s_secondsAdvice);
        _inferenceDuration = meter.CreateHistogram(
            "nethical.tier2.inference.duration",
            unit: "s",
            description: "Time one tier-2 batch spent in inference.",
            advice: s_secondsAdvice);
        _shed = meter.CreateCounter<long>("nethical.tier2.shed", unit: "{item}", description: "Items refused because the tier-2 queue was full.");
        meter.CreateObservableGauge("nethical.tier2.queue.depth", ObserveDepth, unit: "{item}", description: "Items waiting in the tier-2 queue.");
    }

    internal void BatchStarted(int size)
    {
        if (_batchSize.Enabled)
        {
            _batchSize.Record(size);
        }
    }

    internal bool QueueWaitEnabled => _queueWait.Enabled;

    internal void QueueWait(TimeSpan wait) => _queueWait.Record(wait.TotalSeconds);

    internal void BatchProcessed(TimeSpan elapsed)
    {
        if (_inferenceDuration.Enabled)
        {
            _inferenceDuration.Record(elapsed.TotalSeconds);
        }
    }

    internal void Shed()
    {
        if (_shed.Enabled)
        {
            _shed.Add(1);
        }
    }

    /// <summary>Adds a batcher's queue to the depth gauge until the returned handle is disposed.</summary>
    internal IDisposable TrackQueueDepth(Func<int> depth)
    {
        lock (_depthSourcesLock)
        {
            _depthSources = [.. _depthSources, depth];
        }

        return new DepthRegistration(this, depth);
    }

    private void Untrack(Func<int> depth)
    {
        lock (_depthSourcesLock)
        {
            _depthSources = Array.FindAll(_depthSources, source => source != depth);
        }
    }

    private int ObserveDepth()
    {
        var total = 0;
        foreach (var source in Volatile.Read(ref _depthSources))
        {
            total += source();
        }

        return total;
    }

    private sealed class DepthRegistration(BatcherMetrics owner, Func<int> depth) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Untrack(depth);
            }
        }
    }
}
