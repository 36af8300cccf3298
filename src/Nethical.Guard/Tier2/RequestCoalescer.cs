using System.Collections.Concurrent;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Lets concurrent callers that ask for the same key share one evaluation: the first caller starts it, the others
/// wait for its result.
/// </summary>
/// <remarks>
/// <para>
/// An evaluation is shared only while it runs: it leaves the map as soon as it completes, with a value or an error,
/// so a failure is never handed to a later caller, who starts a fresh run. Keeping results is the cache's job.
/// </para>
/// <para>
/// Cancellation: a caller's token ends only that caller's wait. The shared run gets a token of its own, cancelled
/// once every caller waiting on it has been cancelled (a caller whose token cannot be cancelled keeps it alive). An
/// abandoned run leaves the map at once, so a caller who comes after it starts a fresh run rather than joining a
/// cancelled one.
/// </para>
/// </remarks>
internal sealed class RequestCoalescer<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, InFlight> _inFlight;
    private readonly CachingMetrics? _metrics;

    /// <summary>Creates a coalescer.</summary>
    /// <param name="comparer">Decides which keys are the same; the default comparer when null.</param>
    /// <param name="metrics">Where to count callers that joined a run in flight; none when null.</param>
    public RequestCoalescer(IEqualityComparer<TKey>? comparer = null, CachingMetrics? metrics = null)
    {
        _inFlight = new ConcurrentDictionary<TKey, InFlight>(comparer);
        _metrics = metrics;
    }

    /// <summary>Evaluations running now.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>
    /// Joins the evaluation of <paramref name="key"/> in flight, or starts one with <paramref name="run"/>.
    /// </summary>
    /// <param name="key">What is evaluated.</param>
    /// <param name="run">
    /// Evaluates the key; called at most once per shared run, on the thread of the caller who starts it. Its token is
    /// cancelled only when every caller has stopped waiting.
    /// </param>
    /// <param name="cancellationToken">Ends this caller's wait, and no one else's.</param>
    public Task<TValue> GetOrRunAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return GetOrRunAsync(key, run, static (key, run, cancellationToken) => run(key, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// As <see cref="GetOrRunAsync(TKey, Func{TKey, CancellationToken, Task{TValue}}, CancellationToken)"/>, with the
    /// run's state passed in, so that a static lambda needs no closure.
    /// </summary>
    public Task<TValue> GetOrRunAsync<TState>(
        TKey key,
        TState state,
        Func<TKey, TState, CancellationToken, Task<TValue>> run,
        CancellationToken cancellationToken)
    {
        // No null check of the key here: it would box a struct key on every call, and the dictionary checks it.
        ArgumentNullException.ThrowIfNull(run);

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TValue>(cancellationToken);
        }

        while (true)
        {
            if (_inFlight.TryGetValue(key, out var running))
            {
                if (running.TryJoin())
                {
                    _metrics?.Coalesced();
                    return WaitAsync(key, running, cancellationToken);
                }

                // Every caller of that run has left and it is being cancelled: it is not to be joined.
                _inFlight.TryRemove(KeyValuePair.Create(key, running));
                continue;
            }

            var started = new InFlight();
            if (_inFlight.TryAdd(key, started))
            {
                _ = RunAsync(key, started, state, run);
                return WaitAsync(key, started, cancellationToken);
            }
        }
    }

    private Task<TValue> WaitAsync(TKey key, InFlight running, CancellationToken cancellationToken)
    {
        // A caller who cannot cancel never leaves, so the run is never abandoned while it waits.
        return cancellationToken.CanBeCanceled ? WaitCancellableAsync(key, running, cancellationToken) : running.Task;
    }

    private async Task<TValue> WaitCancellableAsync(TKey key, InFlight running, CancellationToken cancellationToken)
    {
        try
        {
            return await running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (running.Leave())
            {
                _inFlight.TryRemove(KeyValuePair.Create(key, running));
                running.Abandon();
            }
        }
    }

    private async Task RunAsync<TState>(TKey key, InFlight running, TState state, Func<TKey, TState, CancellationToken, Task<TValue>> run)
    {
        // Out of the map before the result is out, so that whoever sees the result and asks again starts afresh.
        try
        {
            var value = await run(key, state, running.AbandonedToken).ConfigureAwait(false);
            Finish(key, running);
            running.TrySetResult(value);
        }
#pragma warning disable CA1031 // Whatever the run throws belongs to its callers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Finish(key, running);
            if (running.AbandonedToken.IsCancellationRequested)
            {
                // No one is waiting and no one can join: an error here would go unobserved.
                running.TrySetCanceled(running.AbandonedToken);
            }
            else
            {
                running.TrySetException(ex);
            }
        }
    }

    private void Finish(TKey key, InFlight running)
    {
        _inFlight.TryRemove(KeyValuePair.Create(key, running));
        running.Finished();
    }

    /// <summary>One shared run: its result, the callers waiting on it, and the token it runs under.</summary>
    /// <remarks>
    /// The token's source is disposed by whichever comes first, the run's end or its abandonment (after cancelling):
    /// the run may still poll or register on the token then, which a disposed source allows.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The source is disposed when the run ends or is abandoned, whichever comes first.")]
    private sealed class InFlight : TaskCompletionSource<TValue>
    {
        private const int Running = 0;
        private const int Done = 1;
        private const int Abandoned = 2;

        private readonly CancellationTokenSource _abandoned = new();
        private int _waiters = 1;
        private int _state;

        public InFlight()
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            // Read once: the source is disposed when the run ends, and its Token property then throws.
            AbandonedToken = _abandoned.Token;
        }

        public CancellationToken AbandonedToken { get; }

        /// <summary>Adds a waiter, unless the last one has already left.</summary>
        public bool TryJoin()
        {
            var waiters = Volatile.Read(ref _waiters);
            while (waiters > 0)
            {
                var seen = Interlocked.CompareExchange(ref _waiters, waiters + 1, waiters);
                if (seen == waiters)
                {
                    return true;
                }

                waiters = seen;
            }

            return false;
        }

        /// <summary>Removes a waiter; true when it was the last.</summary>
        public bool Leave() => Interlocked.Decrement(ref _waiters) == 0;

        public void Abandon()
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running)
            {
                _abandoned.Cancel();
                _abandoned.Dispose();
            }
        }

        public void Finished()
        {
            if (Interlocked.CompareExchange(ref _state, Done, Running) == Running)
            {
                _abandoned.Dispose();
            }
        }
    }
}
