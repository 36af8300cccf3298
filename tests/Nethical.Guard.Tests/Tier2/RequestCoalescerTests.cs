using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class RequestCoalescerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrRunAsync_FiftyConcurrentSameKey_RunsOnce()
    {
        using var meters = new TestMeterFactory();
        using var coalesced = new MetricCollector<long>(meters, GuardDiagnostics.MeterName, "nethical.tier2.coalesced");
        var coalescer = new RequestCoalescer<string, int>(metrics: new CachingMetrics(meters));
        var evaluation = new GatedEvaluation();
        var called = 0;

        var callers = Enumerable.Range(0, 50).Select(_ => Task.Run(
            () =>
            {
                var result = coalescer.GetOrRunAsync("same text", evaluation.RunAsync, Ct);
                Interlocked.Increment(ref called);
                return result;
            },
            Ct)).ToArray();
        await Eventually.UntilAsync(() => Volatile.Read(ref called) == 50, "all fifty callers to ask");
        evaluation.Release(42);
        var results = await Task.WhenAll(callers).WaitAsync(s_timeout, Ct);

        Assert.All(results, r => Assert.Equal(42, r));
        Assert.Equal(1, evaluation.Runs);
        Assert.Equal(49, coalesced.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(0, coalescer.InFlightCount);
    }

    [Fact]
    public async Task GetOrRunAsync_DifferentKeys_RunSeparatelyAndAtOnce()
    {
        var coalescer = new RequestCoalescer<string, int>();
        var evaluation = new GatedEvaluation();

        var first = coalescer.GetOrRunAsync("a", evaluation.RunAsync, Ct);
        var second = coalescer.GetOrRunAsync("b", evaluation.RunAsync, Ct);

        // Both are running before either finishes.
        Assert.Equal(2, evaluation.Runs);
        Assert.Equal(2, coalescer.InFlightCount);
        evaluation.Release(7);
        Assert.Equal(7, await first.WaitAsync(s_timeout, Ct));
        Assert.Equal(7, await second.WaitAsync(s_timeout, Ct));
        Assert.Equal(["a", "b"], evaluation.Keys);
    }

    [Fact]
    public async Task GetOrRunAsync_AfterAFailedRun_RunsAgain()
    {
        var coalescer = new RequestCoalescer<string, int>();
        var runs = 0;
        Task<int> FailFirstAsync(string key, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref runs) == 1 ? Task.FromException<int>(new InvalidOperationException("model failed")) : Task.FromResult(5);

        await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.GetOrRunAsync("text", FailFirstAsync, Ct).WaitAsync(s_timeout, Ct));
        var second = await coalescer.GetOrRunAsync("text", FailFirstAsync, Ct).WaitAsync(s_timeout, Ct);

        Assert.Equal(5, second);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task GetOrRunAsync_RunThrowsSynchronously_FaultsTheTaskAndLeavesNothingInFlight()
    {
        var coalescer = new RequestCoalescer<string, int>();

        var result = coalescer.GetOrRunAsync("text", (_, _) => throw new InvalidOperationException("no"), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => result.WaitAsync(s_timeout, Ct));
        Assert.Equal(0, coalescer.InFlightCount);
    }

    [Fact]
    public async Task GetOrRunAsync_OneCallerCancels_OthersStillGetTheResult()
    {
        var coalescer = new RequestCoalescer<string, int>();
        var evaluation = new GatedEvaluation();
        using var leaving = new CancellationTokenSource();

        var cancelled = coalescer.GetOrRunAsync("text", evaluation.RunAsync, leaving.Token);
        var staying = coalescer.GetOrRunAsync("text", evaluation.RunAsync, Ct);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_timeout, Ct));
        Assert.False(evaluation.LastToken.IsCancellationRequested);
        evaluation.Release(3);
        Assert.Equal(3, await staying.WaitAsync(s_timeout, Ct));
        Assert.Equal(1, evaluation.Runs);
    }

    [Fact]
    public async Task GetOrRunAsync_EveryCallerCancels_CancelsTheRunAndTheNextCallerStartsAfresh()
    {
        var coalescer = new RequestCoalescer<string, int>();
        var evaluation = new GatedEvaluation();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var a = coalescer.GetOrRunAsync("text", evaluation.RunAsync, first.Token);
        var b = coalescer.GetOrRunAsync("text", evaluation.RunAsync, second.Token);
        var abandonedRun = evaluation.LastToken;

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.WaitAsync(s_timeout, Ct));
        Assert.False(abandonedRun.IsCancellationRequested);
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.WaitAsync(s_timeout, Ct));
        await Eventually.UntilAsync(() => abandonedRun.IsCancellationRequested, "the shared run to be cancelled");

        var next = coalescer.GetOrRunAsync("text", evaluation.RunAsync, Ct);
        evaluation.Release(9);

        Assert.Equal(9, await next.WaitAsync(s_timeout, Ct));
        Assert.Equal(2, evaluation.Runs);
    }

    [Fact]
    public async Task GetOrRunAsync_CallerThatCannotCancel_KeepsTheRunAliveWhenOthersLeave()
    {
        var coalescer = new RequestCoalescer<string, int>();
        var evaluation = new GatedEvaluation();
        using var leaving = new CancellationTokenSource();
        var staying = coalescer.GetOrRunAsync("text", evaluation.RunAsync, CancellationToken.None);
        var cancelled = coalescer.GetOrRunAsync("text", evaluation.RunAsync, leaving.Token);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_timeout, Ct));
        evaluation.Release(1);

        Assert.Equal(1, await staying.WaitAsync(s_timeout, Ct));
        Assert.False(evaluation.LastToken.IsCancellationRequested);
    }

    /// <summary>An evaluation that runs until released, recording each run's key and token.</summary>
    private sealed class GatedEvaluation
    {
        private readonly TaskCompletionSource<int> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _keys = [];
        private CancellationToken _lastToken;

        public int Runs
        {
            get
            {
                lock (_keys)
                {
                    return _keys.Count;
                }
            }
        }

        public string[] Keys
        {
            get
            {
                lock (_keys)
                {
                    return [.. _keys];
                }
            }
        }

        public CancellationToken LastToken
        {
            get
            {
                lock (_keys)
                {
                    return _lastToken;
                }
            }
        }

        public void Release(int value) => _gate.TrySetResult(value);

        public async Task<int> RunAsync(string key, CancellationToken cancellationToken)
        {
            lock (_keys)
            {
                _keys.Add(key);
                _lastToken = cancellationToken;
            }

            return await _gate.Task.WaitAsync(s_timeout, cancellationToken);
        }
    }
}
