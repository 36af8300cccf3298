using System.Diagnostics;
using Nethical.Guard.Detectors;
using Nethical.Guard.Monitoring;
using Nethical.Guard.Screening;
using Polly;
using Polly.CircuitBreaker;
using Polly.Fallback;
using Polly.Timeout;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Tier 2: the encoder model behind the serving path. Per text: the verdict cache, then request coalescing; per request:
/// one item on a dynamic batcher (short texts and long documents on separate lanes, each with its own admission
/// control, so a long document never stalls short prompts), inside a Polly pipeline with a timeout (the policy's
/// budget, grown by the request's extra windows), a circuit breaker, and a fallback to the tier-1 verdict marked
/// degraded. A lane admits a request only if it can be scored within its budget behind the work already admitted
/// (<see cref="ModelAdmission"/>); the excess is shed at once. Load is not failure: the circuit breaker wraps each model
/// run, so it counts the model's errors and runs that overran their allowance (<see cref="Tier2Options.StallPerWindow"/>),
/// never queueing, shedding or timeouts; while it is open, or while a run is still going far past its allowance (a hung
/// model), requests degrade at once instead of queueing. A request whose texts are all cached never waits on the model
/// or the breaker; a caller's own cancellation propagates.
/// </summary>
internal sealed class ModelPromptInjectionDetector : IAsyncDisposable
{
    public const string DetectorName = "prompt_injection.tier2";

    /// <summary>Reason when the model's score is at or above its operating point.</summary>
    public const string ModelReason = "pi.tier2.model";

    /// <summary>Reason prefix when the model did not answer (<c>pi.tier2.degraded.timeout</c>, <c>.circuit_open</c>, <c>.stalled</c>, <c>.shed</c>, <c>.error</c>, <c>.truncated</c>).</summary>
    public const string DegradedReasonPrefix = "pi.tier2.degraded.";

    private static readonly ResiliencePropertyKey<TimeSpan> s_budget = new("nethical.tier2.budget");
    private static readonly ResiliencePropertyKey<DetectorVerdict> s_fallback = new("nethical.tier2.fallback");
    private static readonly ResiliencePropertyKey<long> s_started = new("nethical.tier2.started");

    private readonly IPromptClassifier _model;
    private readonly string _indirectVersion;
    private readonly double _threshold;
    private readonly VerdictCache? _cache;
    private readonly RequestCoalescer<CacheKey, float> _coalescer;
    private readonly Lane _shortLane;
    private readonly Lane _longLane;
    private readonly int _longTextWindows;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _stallPerWindow;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly ResiliencePipeline<DetectorVerdict> _pipeline;
    private readonly ResiliencePipeline<ModelRun> _modelBreaker;
    private long _openUntil;
    private readonly int _maxWindowsPerRun;
    private readonly TimeSpan _budgetPerExtraWindow;
    private readonly Tier2Metrics? _metrics;

    public ModelPromptInjectionDetector(
        IPromptClassifier model,
        double threshold,
        Tier2Options options,
        TimeProvider timeProvider,
        VerdictCache? cache,
        RequestCoalescer<CacheKey, float> coalescer,
        BatcherMetrics? batcherMetrics,
        Tier2Metrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(coalescer);
        _model = model;
        _indirectVersion = model.ModelVersion + "/indirect";
        _threshold = threshold;
        _cache = cache;
        _coalescer = coalescer;
        _maxWindowsPerRun = options.MaxBatchSize;
        _budgetPerExtraWindow = options.BudgetPerExtraWindow;
        _metrics = metrics;
        _longTextWindows = options.LongTextWindows;
        _timeProvider = timeProvider;
        _stallPerWindow = options.StallPerWindow;
        _shortLane = new Lane(this, new DynamicBatcherOptions { MaxBatchSize = options.MaxBatchSize, MaxWait = options.MaxBatchWait, QueueCapacity = options.QueueCapacity }, options.InitialCostPerWindow, batcherMetrics);
        // Long documents: one request per batch (each is many windows already), a short queue, their own admission.
        _longLane = new Lane(this, new DynamicBatcherOptions { MaxBatchSize = 1, MaxWait = TimeSpan.Zero, QueueCapacity = options.LongQueueCapacity }, options.InitialCostPerWindow, batcherMetrics);

        var handled = new PredicateBuilder<DetectorVerdict>()
            .Handle<Exception>(static e => e is not OperationCanceledException || e is TimeoutRejectedException);
        _pipeline = new ResiliencePipelineBuilder<DetectorVerdict> { TimeProvider = timeProvider }
            .AddFallback(new FallbackStrategyOptions<DetectorVerdict>
            {
                ShouldHandle = handled,
                FallbackAction = static args =>
                {
                    var tier1 = args.Context.Properties.GetValue(s_fallback, null!);
                    var reason = CauseOf(args.Outcome.Exception);
                    var started = args.Context.Properties.GetValue(s_started, 0L);
                    return Outcome.FromResultAsValueTask(Degraded(tier1, reason, Stopwatch.GetElapsedTime(started)));
                },
                OnFallback = args =>
                {
                    CountDegraded(CauseOf(args.Outcome.Exception));
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(s_budget, TimeSpan.FromMilliseconds(250))),
            })
            .Build();

        // The breaker wraps each model run (a batch), not the request: it sees the model's own errors and runs that took
        // longer than StallPerWindow for their windows, never queueing, shedding or a caller's cancellation. Open, it
        // fails the runs (and EvaluateAsync degrades at once, without queueing); half-open, the next batch is the trial.
        _modelBreaker = new ResiliencePipelineBuilder<ModelRun> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ModelRun>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } e ? e is not OperationCanceledException : args.Outcome.Result.Stalled),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _breaker,
                OnOpened = args =>
                {
                    Volatile.Write(ref _openUntil, timeProvider.GetTimestamp() + (long)(args.BreakDuration.TotalSeconds * timeProvider.TimestampFrequency));
                    metrics?.BreakerChanged("open");
                    return default;
                },
                OnClosed = _ =>
                {
                    metrics?.BreakerChanged("closed");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    metrics?.BreakerChanged("half_open");
                    return default;
                },
            })
            .Build();
    }

    /// <summary>One model run's scores, and whether it took longer than its windows allow.</summary>
    private readonly record struct ModelRun(float[] Scores, bool Stalled);

    public string ModelVersion => _model.ModelVersion;

    /// <summary>The distilled student that routes segments (null: every segment the gate considers goes to the model).</summary>
    public HashedNgramStudent? Student { get; init; }

    /// <summary>The student probability under which a segment without tier-1 signal skips the model.</summary>
    public double? StudentPassBelow { get; init; }

    /// <summary>Where cache look-ups, model runs and degraded verdicts are counted for the live statistics; none when null.</summary>
    public GuardStatistics? Statistics { get; init; }

    /// <summary>Requests waiting for the model (both lanes).</summary>
    public int QueueDepth => _shortLane.Batcher.QueueDepth + _longLane.Batcher.QueueDepth;

    /// <summary>The circuit breaker's state: closed, open, half_open or isolated.</summary>
    public string BreakerState => _breaker.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };

    /// <summary>Admission state of the short-text lane (backlog and measured cost per window).</summary>
    internal ModelAdmission ShortLaneAdmission => _shortLane.Admission;

    /// <summary>Admission state of the long-document lane.</summary>
    internal ModelAdmission LongLaneAdmission => _longLane.Admission;

    /// <summary>
    /// Whether a model run in either lane has run far longer than its windows allow (<see cref="Tier2Options.StallPerWindow"/>):
    /// a hung or broken model, as opposed to a busy one.
    /// </summary>
    internal bool ModelStalled => _shortLane.Stalled || _longLane.Stalled;

    /// <summary>
    /// Scores texts (normalised segment texts, each with its source) and returns the tier-2 verdict: the highest calibrated score, or the tier-1
    /// verdict marked <see cref="DetectorVerdict.Degraded"/> when the model did not answer in time. The time allowed is
    /// <paramref name="budget"/> plus <see cref="Tier2Options.BudgetPerExtraWindow"/> for every window beyond each text's
    /// first, so a long document is screened (once: its verdict is cached) instead of timing out every time.
    /// </summary>
    public async ValueTask<DetectorVerdict> EvaluateAsync(IReadOnlyList<Tier2Text> texts, DetectorVerdict tier1, TimeSpan budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tier1);
        var started = Stopwatch.GetTimestamp();

        // Cache look-ups and tokenisation run here, on the request's thread; only model work waits in a lane.
        var work = new Work[texts.Count];
        var extraWindows = 0;
        var uncached = 0;
        var best = 0f;
        var truncated = false;
        for (var i = 0; i < texts.Count; i++)
        {
            // A source-aware model's verdict on a text depends on where the text came from: so does its key.
            var (text, indirect) = texts[i];
            var key = VerdictCache.CreateKey(indirect && _model.SourceAware ? _indirectVersion : _model.ModelVersion, text);
            if (_cache is not null)
            {
                var hit = _cache.TryGet(key, out var cached);
                Statistics?.CacheLookup(hit);
                if (hit)
                {
                    best = Math.Max(best, cached);
                    continue;
                }
            }
            var prepared = _model.Prepare(text, indirect && _model.SourceAware);
            extraWindows += prepared.Windows.Count - 1;
            truncated |= prepared.Truncated;
            work[uncached++] = new Work(key, prepared);
        }

        if (uncached == 0)
        {
            // Everything was cached: the model, its breaker and its budget have nothing to say.
            return Verdict(best, truncated, started);
        }

        // Open and within its break: degrade without queueing. Once the break is over the breaker reports open until a
        // run tries it, so requests go through and the next batch is the half-open trial.
        if (_breaker.CircuitState is CircuitState.Isolated
            || (_breaker.CircuitState == CircuitState.Open && _timeProvider.GetTimestamp() < Volatile.Read(ref _openUntil)))
        {
            return Fail(tier1, "circuit_open", started);
        }
        if (ModelStalled)
        {
            // A run has gone far past its allowance (a hung model): do not queue behind it.
            return Fail(tier1, "stalled", started);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var allowed = budget + (_budgetPerExtraWindow * extraWindows);
            context.Properties.Set(s_budget, allowed);
            context.Properties.Set(s_fallback, tier1);
            context.Properties.Set(s_started, started);
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Detector.ScoreAsync(state.Work, state.Count, state.Best, state.Truncated, state.Started, state.Allowed, ctx.CancellationToken),
                context,
                (Detector: this, Work: work, Count: uncached, Best: best, Truncated: truncated, Started: started, Allowed: allowed)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private readonly record struct Work(CacheKey Key, PreparedText Prepared);

    /// <summary>One text this request scores for every caller waiting on it (the coalescer's owner).</summary>
    private sealed record Owned(CacheKey Key, PreparedText Prepared, TaskCompletionSource<float> Result);

    private async ValueTask<DetectorVerdict> ScoreAsync(Work[] work, int count, float best, bool truncated, long started, TimeSpan allowed, CancellationToken cancellationToken)
    {
        // Join texts already in flight for another request; own the rest. The coalescer runs the owner's delegate
        // synchronously, so after this loop `owned` holds exactly the texts this request must send to the model.
        var owned = new List<Owned>();
        var tasks = new Task<float>[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = _coalescer.GetOrRunAsync(
                work[i].Key,
                (Owned: owned, Work: work[i]),
                static (key, state, _) =>
                {
                    var result = new TaskCompletionSource<float>(TaskCreationOptions.RunContinuationsAsynchronously);
                    state.Owned.Add(new Owned(key, state.Work.Prepared, result));
                    return result.Task;
                },
                cancellationToken);
        }

        if (owned.Count > 0)
        {
            Send(owned, allowed - Stopwatch.GetElapsedTime(started));
        }

        foreach (var task in tasks)
        {
            best = Math.Max(best, await task.ConfigureAwait(false));
        }
        return Verdict(best, truncated, started);
    }

    /// <summary>
    /// Queues the owned texts: short ones as one item on the short lane, long ones as one item on the long lane, each
    /// if its lane admits it within <paramref name="budget"/> (otherwise its texts are shed at once). The items run
    /// even if this request gives up (its budget ran out): other callers may be waiting on the same texts, and the
    /// scores are cached for the retry.
    /// </summary>
    private void Send(List<Owned> owned, TimeSpan budget)
    {
        List<Owned>? shortTexts = null;
        List<Owned>? longTexts = null;
        foreach (var text in owned)
        {
            if (text.Prepared.Windows.Count > _longTextWindows)
            {
                (longTexts ??= []).Add(text);
            }
            else
            {
                (shortTexts ??= []).Add(text);
            }
        }
        // Many short texts in one request (hundreds of tool results) are as much work as a long document: past one full
        // batch of windows they take the long lane too, so no single request can hold the short lane.
        if (shortTexts is not null && WindowsOf(shortTexts) > _maxWindowsPerRun)
        {
            (longTexts ??= []).AddRange(shortTexts);
            shortTexts = null;
        }
        Enqueue(_shortLane, shortTexts, budget);
        Enqueue(_longLane, longTexts, budget);
    }

    private static int WindowsOf(List<Owned> texts)
    {
        var windows = 0;
        foreach (var text in texts)
        {
            windows += WindowsOf(text.Prepared);
        }
        return windows;
    }

    /// <summary>The encoder windows a text costs: at least one, as admission, the cost average and the stall allowance count them.</summary>
    private static int WindowsOf(PreparedText text) => Math.Max(1, text.Windows.Count);

    private void Enqueue(Lane lane, List<Owned>? texts, TimeSpan budget)
    {
        if (texts is null)
        {
            return;
        }
        var item = new PreparedText[texts.Count];
        for (var i = 0; i < item.Length; i++)
        {
            item[i] = texts[i].Prepared;
        }
        var windows = WindowsOf(texts);
        if (!lane.Admission.TryAdmit(windows, budget))
        {
            Shed(texts);
            return;
        }
        Task<float[]>? scores;
        bool queued;
        try
        {
            queued = lane.Batcher.TryEnqueue(item, CancellationToken.None, out scores);
        }
        catch (ObjectDisposedException e)
        {
            // Shutting down: fail the texts rather than leave their callers waiting for their budget.
            lane.Admission.Release(windows);
            foreach (var text in texts)
            {
                text.Result.TrySetException(e);
            }
            return;
        }
        if (!queued)
        {
            lane.Admission.Release(windows);
            Shed(texts);
            return;
        }
        _ = Complete(scores!, texts, _cache, lane.Admission, windows);

        static void Shed(List<Owned> texts)
        {
            var shed = new Tier2ShedException();
            foreach (var text in texts)
            {
                text.Result.TrySetException(shed);
            }
        }

        static async Task Complete(Task<float[]> scores, List<Owned> texts, VerdictCache? cache, ModelAdmission admission, int windows)
        {
            float[] values;
            try
            {
                values = await scores.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var text in texts)
                {
                    text.Result.TrySetException(e);
                }
                return;
            }
            finally
            {
                // Exactly once, whatever happened: the windows are no longer ahead of anyone.
                admission.Release(windows);
            }
            try
            {
                // The cache before the callers, so a caller's next request for the same text is a hit.
                for (var i = 0; i < texts.Count; i++)
                {
                    if (!texts[i].Prepared.Truncated)
                    {
                        // A truncated text's score covers only its scored part: never serve it later as a full verdict.
                        cache?.Set(texts[i].Key, values[i]);
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Shutting down: the cache is gone, the callers are still answered below.
            }
            for (var i = 0; i < texts.Count; i++)
            {
                texts[i].Result.TrySetResult(values[i]);
            }
        }
    }

    private DetectorVerdict Verdict(float best, bool truncated, long started)
    {
        var score = ModelManifest.Calibrate(best, _threshold);
        IReadOnlyList<string> reasons = score >= 0.5 ? [ModelReason] : DetectorVerdict.NoReasons;
        if (truncated)
        {
            // The end of a very long text was not scored: say so (the score stands), and let the policy decide.
            CountDegraded("truncated");
            return new DetectorVerdict(DetectorName, score, [.. reasons, DegradedReasonPrefix + "truncated"], Stopwatch.GetElapsedTime(started), Degraded: true);
        }
        return new DetectorVerdict(DetectorName, score, reasons, Stopwatch.GetElapsedTime(started));
    }

    private ValueTask<IReadOnlyList<float[]>> ProcessAsync(Lane lane, IReadOnlyList<PreparedText[]> batch)
    {
        // All texts of all requests in the batch go through the model together (windows sorted by length, chunks of
        // at most MaxBatchSize windows), then the scores are handed back per request.
        var total = 0;
        foreach (var item in batch)
        {
            total += item.Length;
        }
        var flat = new PreparedText[total];
        var offset = 0;
        foreach (var item in batch)
        {
            item.CopyTo(flat, offset);
            offset += item.Length;
        }
        var windows = 0;
        foreach (var text in flat)
        {
            windows += WindowsOf(text);
        }
        var scores = _modelBreaker.Execute(
            static state =>
            {
                var (detector, lane, flat, windows) = state;
                var runStarted = lane.RunStarted(windows);
                var succeeded = false;
                try
                {
                    var scores = detector._model.ScoreBatch(flat, detector._maxWindowsPerRun);
                    succeeded = true;
                    return new ModelRun(scores, lane.Overran(windows, runStarted));
                }
                finally
                {
                    var elapsed = lane.RunEnded(windows, runStarted, succeeded);
                    detector.Statistics?.Batch(flat.Length, elapsed);
                }
            },
            (Detector: this, Lane: lane, Flat: flat, Windows: windows)).Scores;
        var results = new float[batch.Count][];
        offset = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = scores.AsSpan(offset, batch[i].Length).ToArray();
            offset += batch[i].Length;
        }
        return ValueTask.FromResult<IReadOnlyList<float[]>>(results);
    }

    private static string CauseOf(Exception? exception) => exception switch
    {
        TimeoutRejectedException => "timeout",
        BrokenCircuitException => "circuit_open",
        Tier2ShedException => "shed",
        _ => "error",
    };

    private DetectorVerdict Fail(DetectorVerdict tier1, string cause, long started)
    {
        CountDegraded(cause);
        return Degraded(tier1, cause, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Counts a degraded verdict by cause, in the meter and in the live statistics.</summary>
    private void CountDegraded(string cause)
    {
        _metrics?.Degraded(cause);
        Statistics?.Degraded(cause);
    }

    private static DetectorVerdict Degraded(DetectorVerdict tier1, string reason, TimeSpan elapsed)
        => new(DetectorName, tier1.Score, [DegradedReasonPrefix + reason], elapsed, Degraded: true);

    public async ValueTask DisposeAsync()
    {
        await _shortLane.Batcher.DisposeAsync().ConfigureAwait(false);
        await _longLane.Batcher.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One model lane: its batcher, its admission control, and the model run in progress (for stall detection).</summary>
    private sealed class Lane
    {
        private readonly ModelPromptInjectionDetector _owner;
        private long _runStarted;
        private int _runWindows;

        public Lane(ModelPromptInjectionDetector owner, DynamicBatcherOptions options, TimeSpan initialCostPerWindow, BatcherMetrics? metrics)
        {
            _owner = owner;
            Admission = new ModelAdmission(initialCostPerWindow, options.MaxWait);
            Batcher = new DynamicBatcher<PreparedText[], float[]>((batch, _) => owner.ProcessAsync(this, batch), options, owner._timeProvider, metrics);
        }

        public ModelAdmission Admission { get; }

        public DynamicBatcher<PreparedText[], float[]> Batcher { get; }

        /// <summary>Whether the run in progress has gone past <see cref="Tier2Options.StallPerWindow"/> for each of its windows.</summary>
        public bool Stalled
        {
            get
            {
                var started = Volatile.Read(ref _runStarted);
                return started != 0 && Overran(Volatile.Read(ref _runWindows), started);
            }
        }

        public long RunStarted(int windows)
        {
            Volatile.Write(ref _runWindows, windows);
            var now = _owner._timeProvider.GetTimestamp();
            // Zero means idle; a clock that reads zero (a fresh fake clock) is taken as one tick later.
            Volatile.Write(ref _runStarted, now == 0 ? 1 : now);
            return now;
        }

        /// <summary>Whether the run that started at <paramref name="started"/> has taken longer than its windows allow.</summary>
        public bool Overran(int windows, long started) => _owner._timeProvider.GetElapsedTime(started) > Allowance(windows);

        /// <summary>How long a run of <paramref name="windows"/> windows may take before it counts as overrun.</summary>
        private TimeSpan Allowance(int windows) => _owner._stallPerWindow * Math.Max(1, windows);

        public TimeSpan RunEnded(int windows, long started, bool succeeded)
        {
            Volatile.Write(ref _runStarted, 0);
            var elapsed = _owner._timeProvider.GetElapsedTime(started);
            if (succeeded)
            {
                // A failed run says nothing about the cost; one far past its allowance is a fault, not the cost of load.
                var ceiling = Allowance(windows);
                Admission.Observe(windows, elapsed < ceiling ? elapsed : ceiling);
            }
            return elapsed;
        }
    }
}

/// <summary>The tier-2 queue was full: the work was shed, not failed.</summary>
internal sealed class Tier2ShedException() : Exception("The tier-2 queue is full; the request was shed to the fallback.");
