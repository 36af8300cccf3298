using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Groups items queued one at a time into batches for a model that scores a batch for little more than the price of
/// one item.
/// </summary>
/// <remarks>
/// <para>
/// One background loop takes the first queued item, then keeps taking items until the batch holds
/// <see cref="DynamicBatcherOptions.MaxBatchSize"/> of them or <see cref="DynamicBatcherOptions.MaxWait"/> has passed
/// since that first item left the queue (measured with the injected <see cref="TimeProvider"/>), and then runs the
/// batch function. One batch runs at a time; items queued meanwhile make up the next batch, which starts at once
/// with everything already waiting.
/// </para>
/// <para>
/// The queue is bounded: <see cref="TryEnqueue"/> says false when it is full, so that a caller sheds to its fallback
/// at once instead of waiting.
/// </para>
/// </remarks>
/// <typeparam name="TItem">What one caller asks about.</typeparam>
/// <typeparam name="TResult">What the batch function answers for one item.</typeparam>
internal sealed class DynamicBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<IReadOnlyList<TResult>>> _process;
    private readonly TimeProvider _timeProvider;
    private readonly BatcherMetrics? _metrics;
    private readonly IDisposable? _depthRegistration;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxWait;
    private readonly Channel<Pending> _queue;
    private readonly Task _consumer;

    // Touched only by the consumer loop.
    private readonly List<Pending> _batch;
    private CancellationTokenSource _batchTimer;

    private int _disposed;

    /// <summary>Creates the batcher and starts its background loop.</summary>
    /// <param name="process">
    /// Scores a batch: returns one result per item, in the items' order. It receives a new list for each batch, and a
    /// token that the batcher never cancels: a batch that has started is let finish, even by <see cref="DisposeAsync"/>.
    /// An exception, or a list of the wrong length, fails every item of that batch; the next batch runs as usual.
    /// </param>
    /// <param name="options">Batch size, wait and queue capacity; read once, here.</param>
    /// <param name="timeProvider">Measures <see cref="DynamicBatcherOptions.MaxWait"/> and the metrics' durations.</param>
    /// <param name="metrics">Where to record batch sizes, waits, inference time, shed items and queue depth; none when null.</param>
    public DynamicBatcher(
        Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<IReadOnlyList<TResult>>> process,
        DynamicBatcherOptions options,
        TimeProvider timeProvider,
        BatcherMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();

        _process = process;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _maxBatchSize = options.MaxBatchSize;
        _maxWait = options.MaxWait;
        QueueCapacity = options.QueueCapacity;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            // Wait, not a Drop mode: with Wait, TryWrite says false when full, so the caller learns it was shed.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _batch = new List<Pending>(_maxBatchSize);
        _batchTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _depthRegistration = metrics?.TrackQueueDepth(() => _queue.Reader.Count);
        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>Items waiting in the queue, not counting the batch being formed or run.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>The most items that may wait; <see cref="TryEnqueue"/> refuses more.</summary>
    public int QueueCapacity { get; }

    /// <summary>
    /// Queues one item. Its task completes with the item's result once its batch has run, faults when the batch fails
    /// or the batcher is disposed first, and is cancelled as soon as <paramref name="cancellationToken"/> is (an item
    /// cancelled before its batch starts is left out of the batch).
    /// </summary>
    /// <returns>False, with nothing queued, when the queue is full: the caller should fall back at once.</returns>
    /// <exception cref="ObjectDisposedException">The batcher has been disposed.</exception>
    public bool TryEnqueue(TItem item, CancellationToken cancellationToken, [NotNullWhen(true)] out Task<TResult>? result)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        if (cancellationToken.IsCancellationRequested)
        {
            result = Task.FromCanceled<TResult>(cancellationToken);
            return true;
        }

        var pending = new Pending(item, _timeProvider.GetTimestamp(), cancellationToken);
        pending.RegisterCancellation();
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.UnregisterCancellation();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _metrics?.Shed();
            result = null;
            return false;
        }

        result = pending.Task;
        return true;
    }

    /// <summary>
    /// Stops taking items, lets a batch that has started finish, and fails every item still waiting (queued, or
    /// gathered into a batch that has not started) with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        await _consumer.ConfigureAwait(false);
        _depthRegistration?.Dispose();
    }

    private async Task ConsumeAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (Volatile.Read(ref _disposed) == 0 && await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // The wait starts with the first live item; one cancelled while queued starts nothing.
                if (!reader.TryRead(out var first) || !TryAdd(first))
                {
                    continue;
                }

                _batchTimer.CancelAfter(_maxWait);
                await CollectAsync(reader, _batchTimer.Token).ConfigureAwait(false);
                ResetBatchTimer();

                if (Volatile.Read(ref _disposed) != 0)
                {
                    break;
                }

                await RunBatchAsync().ConfigureAwait(false);
                _batch.Clear();
            }
        }
        finally
        {
            // Reached on dispose (or, were the loop ever to fail, on that failure): nothing more will run.
            _queue.Writer.TryComplete();
            var disposed = new ObjectDisposedException(nameof(DynamicBatcher<TItem, TResult>));
            foreach (var pending in _batch)
            {
                pending.Fail(disposed);
            }

            _batch.Clear();
            while (reader.TryRead(out var pending))
            {
                pending.Fail(disposed);
            }

            _batchTimer.Dispose();
        }
    }

    /// <summary>Takes items into the batch until it is full, the batch's wait is over, or the queue is completed.</summary>
    private async ValueTask CollectAsync(ChannelReader<Pending> reader, CancellationToken waitOver)
    {
        while (_batch.Count < _maxBatchSize)
        {
            if (reader.TryRead(out var next))
            {
                TryAdd(next);
                continue;
            }

            if (waitOver.IsCancellationRequested)
            {
                return;
            }

            var wait = reader.WaitToReadAsync(waitOver);
            bool more;
            if (wait.IsCompletedSuccessfully)
            {
                more = wait.Result;
            }
            else
            {
                // The wait ending is the normal case, not an error: observe it without an exception.
                var waiting = wait.AsTask();
                await ((Task)waiting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!waiting.IsCompletedSuccessfully)
                {
                    return;
                }

                more = waiting.Result;
            }

            if (!more)
            {
                return;
            }
        }
    }

    private bool TryAdd(Pending pending)
    {
        if (pending.Token.IsCancellationRequested)
        {
            pending.Cancel();
            return false;
        }

        if (pending.Task.IsCompleted)
        {
            return false;
        }

        _batch.Add(pending);
        return true;
    }

    private void ResetBatchTimer()
    {
        // TryReset stops the timer; it fails only when the timer fired, and a fired source cannot be reused.
        if (!_batchTimer.TryReset())
        {
            _batchTimer.Dispose();
            _batchTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        }
    }

    private async Task RunBatchAsync()
    {
        var items = new TItem[_batch.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = _batch[i].Item;
        }

        var started = _timeProvider.GetTimestamp();
        if (_metrics is { } metrics)
        {
            metrics.BatchStarted(items.Length);
            if (metrics.QueueWaitEnabled)
            {
                foreach (var pending in _batch)
                {
                    metrics.QueueWait(_timeProvider.GetElapsedTime(pending.EnqueuedAt, started));
                }
            }
        }

        IReadOnlyList<TResult>? results;
        try
        {
            results = await _process(items, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the batch function throws belongs to the batch's callers; the loop must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _metrics?.BatchProcessed(_timeProvider.GetElapsedTime(started));
            FailBatch(ex);
            return;
        }

        _metrics?.BatchProcessed(_timeProvider.GetElapsedTime(started));

        if (results is null || results.Count != items.Length)
        {
            FailBatch(new InvalidOperationException(
                $"The batch function returned {(results is null ? "null" : results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} results for {items.Length} items; it must return one result per item."));
            return;
        }

        for (var i = 0; i < items.Length; i++)
        {
            _batch[i].Succeed(results[i]);
        }
    }

    private void FailBatch(Exception error)
    {
        foreach (var pending in _batch)
        {
            pending.Fail(error);
        }
    }

    /// <summary>One queued item and the task its caller awaits.</summary>
    private sealed class Pending(TItem item, long enqueuedAt, CancellationToken token)
        : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private CancellationTokenRegistration _registration;

        public TItem Item { get; } = item;

        public CancellationToken Token { get; } = token;

        public long EnqueuedAt { get; } = enqueuedAt;

        public void RegisterCancellation()
        {
            if (Token.CanBeCanceled)
            {
                _registration = Token.UnsafeRegister(static state => ((Pending)state!).Cancel(), this);
            }
        }

        // Unregister, not Dispose: Dispose would wait for a callback that is running on another thread.
        public void UnregisterCancellation() => _registration.Unregister();

        public void Cancel() => TrySetCanceled(Token);

        public void Succeed(TResult result)
        {
            _registration.Unregister();
            TrySetResult(result);
        }

        public void Fail(Exception error)
        {
            _registration.Unregister();
            TrySetException(error);
        }
    }
}
