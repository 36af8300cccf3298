using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryEnqueue_ConcurrentItems_FormsFullBatchesWithEachItemsOwnResult()
    {
        // Time never moves, so MaxWait never ends a batch: only MaxBatchSize does.
        var time = new FakeTimeProvider();
        var model = new FakeModel();
        using var meters = new TestMeterFactory();
        using var batchSizes = new MetricCollector<int>(meters, GuardDiagnostics.MeterName, "nethical.tier2.batch.size");
        await using var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(maxBatchSize: 32), time, new BatcherMetrics(meters));

        // Task.Run unwraps each item's task: the enqueues race each other, then every result is awaited.
        var scores = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(
            () =>
            {
                Assert.True(batcher.TryEnqueue(i, CancellationToken.None, out var result));
                return result;
            },
            Ct))).WaitAsync(s_timeout, Ct);

        Assert.Equal(Enumerable.Range(0, 64).Select(i => i * 10), scores);
        Assert.Equal([32, 32], model.Batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 64), model.Batches.SelectMany(b => b).Order());
        Assert.Equal([32, 32], batchSizes.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task TryEnqueue_FewerItemsThanMaxBatch_RunOneBatchOnceMaxWaitHasPassed()
    {
        var time = new FakeTimeProvider();
        var model = new FakeModel { OnBatch = () => time.Advance(TimeSpan.FromMilliseconds(2)) };
        using var meters = new TestMeterFactory();
        using var queueWait = new MetricCollector<double>(meters, GuardDiagnostics.MeterName, "nethical.tier2.queue.wait");
        using var inference = new MetricCollector<double>(meters, GuardDiagnostics.MeterName, "nethical.tier2.inference.duration");
        // The longest wait the options allow: the batch must run well before the real clock could have ended it.
        var maxWait = TimeSpan.FromSeconds(10);
        await using var batcher = new DynamicBatcher<int, int>(
            model.ProcessAsync, Options(maxBatchSize: 32, maxWait: maxWait), time, new BatcherMetrics(meters));

        var tasks = new[] { Enqueue(batcher, 1), Enqueue(batcher, 2), Enqueue(batcher, 3) };
        // All three have left the queue, so the batch's wait has started.
        await Eventually.UntilAsync(() => batcher.QueueDepth == 0, "the batch to take all three items");

        time.Advance(maxWait - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, model.Calls);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));

        time.Advance(TimeSpan.FromMilliseconds(1));
        var scores = await Task.WhenAll(tasks).WaitAsync(maxWait / 2, Ct);

        Assert.Equal([10, 20, 30], scores);
        var batch = Assert.Single(model.Batches);
        Assert.Equal([1, 2, 3], batch);
        Assert.Equal([10.0, 10.0, 10.0], queueWait.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(0.002, Assert.Single(inference.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task TryEnqueue_QueueFull_ReturnsFalseAndCountsShed()
    {
        var time = new FakeTimeProvider();
        var model = new FakeModel { Gate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var meters = new TestMeterFactory();
        using var shed = new MetricCollector<long>(meters, GuardDiagnostics.MeterName, "nethical.tier2.shed");
        using var depth = new MetricCollector<int>(meters, GuardDiagnostics.MeterName, "nethical.tier2.queue.depth");
        await using var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(maxBatchSize: 1, queueCapacity: 4), time, new BatcherMetrics(meters));

        var first = Enqueue(batcher, 0);
        await model.FirstBatchEntered.Task.WaitAsync(s_timeout, Ct);
        var queued = Enumerable.Range(1, 4).Select(i => Enqueue(batcher, i)).ToArray();

        var accepted = batcher.TryEnqueue(5, CancellationToken.None, out var refused);

        Assert.False(accepted);
        Assert.Null(refused);
        Assert.Equal(4, batcher.QueueDepth);
        Assert.Equal(1, Assert.Single(shed.GetMeasurementSnapshot()).Value);
        depth.RecordObservableInstruments();
        Assert.Equal(4, depth.LastMeasurement?.Value);

        model.Gate.SetResult();
        var scores = await Task.WhenAll([first, .. queued]).WaitAsync(s_timeout, Ct);
        Assert.Equal([0, 10, 20, 30, 40], scores);
        Assert.DoesNotContain(model.Batches, b => b.Contains(5));
    }

    [Fact]
    public async Task Process_Throws_FaultsThatBatchAndTheNextBatchRuns()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        await using var batcher = new DynamicBatcher<int, int>(
            (items, _) => Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("model failed")
                : ValueTask.FromResult<IReadOnlyList<int>>(items.Select(i => -i).ToArray()),
            Options(maxBatchSize: 2),
            time);

        var failed = new[] { Enqueue(batcher, 1), Enqueue(batcher, 2) };
        foreach (var task in failed)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(s_timeout, Ct));
            Assert.Equal("model failed", error.Message);
        }

        var next = await Task.WhenAll(Enqueue(batcher, 3), Enqueue(batcher, 4)).WaitAsync(s_timeout, Ct);

        Assert.Equal([-3, -4], next);
    }

    [Fact]
    public async Task Process_WrongNumberOfResults_FaultsBatchWithInvalidOperation()
    {
        var time = new FakeTimeProvider();
        await using var batcher = new DynamicBatcher<int, int>((_, _) => ValueTask.FromResult<IReadOnlyList<int>>([42]), Options(maxBatchSize: 2), time);

        var tasks = new[] { Enqueue(batcher, 1), Enqueue(batcher, 2) };

        foreach (var task in tasks)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(s_timeout, Ct));
        }
    }

    [Fact]
    public async Task TryEnqueue_CancelledWhileQueued_CancelsItsTaskAndLeavesItOutOfTheBatch()
    {
        var time = new FakeTimeProvider();
        var model = new FakeModel { Gate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(maxBatchSize: 1), time);
        var first = Enqueue(batcher, 1);
        await model.FirstBatchEntered.Task.WaitAsync(s_timeout, Ct);
        using var leaving = new CancellationTokenSource();
        Assert.True(batcher.TryEnqueue(2, leaving.Token, out var cancelled));
        var last = Enqueue(batcher, 3);

        await leaving.CancelAsync();

        // Cancelled at once, while its batch has not even started.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_timeout, Ct));
        model.Gate.SetResult();
        var scores = await Task.WhenAll(first, last).WaitAsync(s_timeout, Ct);
        Assert.Equal([10, 30], scores);
        Assert.Equal([[1], [3]], model.Batches);
    }

    [Fact]
    public async Task TryEnqueue_TokenAlreadyCancelled_ReturnsCancelledTaskWithoutQueueing()
    {
        var model = new FakeModel();
        await using var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(), new FakeTimeProvider());

        Assert.True(batcher.TryEnqueue(1, new CancellationToken(canceled: true), out var result));

        Assert.True(result.IsCanceled);
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task DisposeAsync_BatchRunning_LetsItFinishAndFailsQueuedItems()
    {
        var time = new FakeTimeProvider();
        var model = new FakeModel { Gate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(maxBatchSize: 1), time);
        var running = Enqueue(batcher, 1);
        await model.FirstBatchEntered.Task.WaitAsync(s_timeout, Ct);
        var queued = new[] { Enqueue(batcher, 2), Enqueue(batcher, 3) };

        var disposing = batcher.DisposeAsync().AsTask();
        model.Gate.SetResult();
        await disposing.WaitAsync(s_timeout, Ct);

        Assert.Equal(10, await running.WaitAsync(s_timeout, Ct));
        foreach (var task in queued)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => task.WaitAsync(s_timeout, Ct));
        }

        Assert.Equal([[1]], model.Batches);
        Assert.Throws<ObjectDisposedException>(() => batcher.TryEnqueue(4, CancellationToken.None, out _));
    }

    [Fact]
    public async Task DisposeAsync_BatchWaitingForMoreItems_FailsItsItems()
    {
        // Time never moves: the batch waits for MaxWait until dispose ends it.
        var model = new FakeModel();
        var batcher = new DynamicBatcher<int, int>(model.ProcessAsync, Options(maxBatchSize: 8), new FakeTimeProvider());
        var waiting = Enqueue(batcher, 1);
        await Eventually.UntilAsync(() => batcher.QueueDepth == 0, "the batch to take the item");

        await batcher.DisposeAsync().AsTask().WaitAsync(s_timeout, Ct);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(s_timeout, Ct));
        Assert.Equal(0, model.Calls);
    }

    [Theory]
    [InlineData(0, 5, 256)]
    [InlineData(32, -1, 256)]
    [InlineData(32, 5, 0)]
    public void Constructor_InvalidOptions_Throws(int maxBatchSize, int maxWaitMs, int queueCapacity)
    {
        var options = Options(maxBatchSize, TimeSpan.FromMilliseconds(maxWaitMs), queueCapacity);

        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new DynamicBatcher<int, int>(new FakeModel().ProcessAsync, options, TimeProvider.System));
    }

    // The default wait is the longest the options allow, on a fake clock no test advances unless it says so: a batch
    // ends when it is full (or on dispose), and would not end early even were the batcher to read the real clock.
    private static DynamicBatcherOptions Options(int maxBatchSize = 32, TimeSpan? maxWait = null, int queueCapacity = 256) =>
        new() { MaxBatchSize = maxBatchSize, MaxWait = maxWait ?? TimeSpan.FromSeconds(10), QueueCapacity = queueCapacity };

    private static Task<int> Enqueue(DynamicBatcher<int, int> batcher, int item)
    {
        Assert.True(batcher.TryEnqueue(item, CancellationToken.None, out var result));
        return result;
    }

    /// <summary>Scores an item as ten times itself and records each batch; can hold its first batch at a gate.</summary>
    private sealed class FakeModel
    {
        private readonly ConcurrentQueue<int[]> _batches = new();
        private int _calls;

        public TaskCompletionSource? Gate { get; init; }

        public TaskCompletionSource FirstBatchEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Action? OnBatch { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public int[][] Batches => [.. _batches];

        public async ValueTask<IReadOnlyList<int>> ProcessAsync(IReadOnlyList<int> items, CancellationToken cancellationToken)
        {
            _batches.Enqueue([.. items]);
            OnBatch?.Invoke();
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstBatchEntered.SetResult();
                if (Gate is not null)
                {
                    await Gate.Task.WaitAsync(s_timeout, cancellationToken);
                }
            }

            return items.Select(i => i * 10).ToArray();
        }
    }
}
