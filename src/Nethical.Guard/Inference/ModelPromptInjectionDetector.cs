using System.Diagnostics;
using Nethical.Guard.Caching;
using Nethical.Guard.Detectors;
using Polly;
using Polly.CircuitBreaker;
using Polly.Fallback;
using Polly.Timeout;

namespace Nethical.Guard.Inference;

/// <summary>
/// Tier 2: the encoder model behind the serving path. Per text: the verdict cache, then request coalescing, then the
/// dynamic batcher; per request: a Polly pipeline with a timeout (the policy's budget), a circuit breaker, and a fallback
/// to the tier-1 verdict marked degraded. Shed work (a full queue) falls back at once and does not count against the
/// breaker; a caller's own cancellation propagates.
/// </summary>
internal sealed class ModelPromptInjectionDetector : IAsyncDisposable
{
    public const string DetectorName = "prompt_injection.tier2";

    /// <summary>Reason when the model's score is at or above its operating point.</summary>
    public const string ModelReason = "pi.tier2.model";

    /// <summary>Reason prefix when the model did not answer (<c>pi.tier2.degraded.timeout</c>, <c>.circuit_open</c>, <c>.shed</c>, <c>.error</c>, <c>.truncated</c>).</summary>
    public const string DegradedReasonPrefix = "pi.tier2.degraded.";

    private static readonly ResiliencePropertyKey<TimeSpan> s_budget = new("nethical.tier2.budget");
    private static readonly ResiliencePropertyKey<DetectorVerdict> s_fallback = new("nethical.tier2.fallback");
    private static readonly ResiliencePropertyKey<long> s_started = new("nethical.tier2.started");

    private readonly IPromptClassifier _model;
    private readonly double _threshold;
    private readonly VerdictCache? _cache;
    private readonly RequestCoalescer<CacheKey, float> _coalescer;
    private readonly DynamicBatcher<PreparedText, float> _batcher;
    private readonly ResiliencePipeline<DetectorVerdict> _pipeline;
    private readonly int _maxWindowsPerRun;
    private readonly TimeSpan _budgetPerExtraWindow;

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
        _threshold = threshold;
        _cache = cache;
        _coalescer = coalescer;
        _maxWindowsPerRun = options.MaxBatchSize;
        _budgetPerExtraWindow = options.BudgetPerExtraWindow;
        _batcher = new DynamicBatcher<PreparedText, float>(
            ProcessAsync,
            new DynamicBatcherOptions { MaxBatchSize = options.MaxBatchSize, MaxWait = options.MaxBatchWait, QueueCapacity = options.QueueCapacity },
            timeProvider,
            batcherMetrics);

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
                    metrics?.Degraded(CauseOf(args.Outcome.Exception));
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<DetectorVerdict>
            {
                // Shedding is load, not failure: it must not open the breaker.
                ShouldHandle = new PredicateBuilder<DetectorVerdict>()
                    .Handle<Exception>(static e => e is not Tier2ShedException && (e is not OperationCanceledException || e is TimeoutRejectedException)),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = _ =>
                {
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
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(s_budget, TimeSpan.FromMilliseconds(250))),
            })
            .Build();
    }

    public string ModelVersion => _model.ModelVersion;

    /// <summary>The distilled student that routes segments (null: every segment the gate considers goes to the model).</summary>
    public HashedNgramStudent? Student { get; init; }

    /// <summary>The student probability under which a segment without tier-1 signal skips the model.</summary>
    public double? StudentPassBelow { get; init; }

    /// <summary>Texts waiting for the model.</summary>
    public int QueueDepth => _batcher.QueueDepth;

    /// <summary>
    /// Scores texts (normalised segment texts) and returns the tier-2 verdict: the highest calibrated score, or the tier-1
    /// verdict marked <see cref="DetectorVerdict.Degraded"/> when the model did not answer in time. The time allowed is
    /// <paramref name="budget"/> plus <see cref="Tier2Options.BudgetPerExtraWindow"/> for every window beyond each text's
    /// first, so a long document is screened (once: its verdict is cached) instead of timing out every time.
    /// </summary>
    public async ValueTask<DetectorVerdict> EvaluateAsync(IReadOnlyList<string> texts, DetectorVerdict tier1, TimeSpan budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tier1);
        var started = Stopwatch.GetTimestamp();

        // Cache look-ups and tokenisation run here, on the request's thread; only model work waits in the batcher.
        var work = new Work[texts.Count];
        var extraWindows = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var key = VerdictCache.CreateKey(_model.ModelVersion, texts[i]);
            if (_cache is not null && _cache.TryGet(key, out var cached))
            {
                work[i] = new Work(key, cached, null);
                continue;
            }
            var prepared = _model.Prepare(texts[i]);
            extraWindows += prepared.Windows.Count - 1;
            work[i] = new Work(key, null, prepared);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(s_budget, budget + (_budgetPerExtraWindow * extraWindows));
            context.Properties.Set(s_fallback, tier1);
            context.Properties.Set(s_started, started);
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Detector.ScoreAsync(state.Work, state.Started, ctx.CancellationToken),
                context,
                (Detector: this, Work: work, Started: started)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private readonly record struct Work(CacheKey Key, float? Cached, PreparedText? Prepared);

    private async ValueTask<DetectorVerdict> ScoreAsync(Work[] work, long started, CancellationToken cancellationToken)
    {
        var tasks = new Task<float>[work.Length];
        var truncated = false;
        for (var i = 0; i < work.Length; i++)
        {
            if (work[i].Cached is { } cached)
            {
                tasks[i] = Task.FromResult(cached);
                continue;
            }
            var prepared = work[i].Prepared!;
            truncated |= prepared.Truncated;
            tasks[i] = _coalescer.GetOrRunAsync(work[i].Key, (Detector: this, Prepared: prepared), static (key, state, ct) => state.Detector.RunAsync(key, state.Prepared, ct), cancellationToken);
        }

        var best = 0f;
        foreach (var task in tasks)
        {
            best = Math.Max(best, await task.ConfigureAwait(false));
        }

        var score = ModelManifest.Calibrate(best, _threshold);
        IReadOnlyList<string> reasons = score >= 0.5 ? [ModelReason] : DetectorVerdict.NoReasons;
        if (truncated)
        {
            // The end of a very long text was not scored: say so, and let the policy's failure mode decide.
            return new DetectorVerdict(DetectorName, score, [.. reasons, DegradedReasonPrefix + "truncated"], Stopwatch.GetElapsedTime(started), Degraded: true);
        }
        return new DetectorVerdict(DetectorName, score, reasons, Stopwatch.GetElapsedTime(started));
    }

    private async Task<float> RunAsync(CacheKey key, PreparedText prepared, CancellationToken cancellationToken)
    {
        if (!_batcher.TryEnqueue(prepared, cancellationToken, out var result))
        {
            throw new Tier2ShedException();
        }
        var score = await result.ConfigureAwait(false);
        if (!prepared.Truncated)
        {
            // A truncated text's score covers only its scored part: never serve it later as a full verdict.
            _cache?.Set(key, score);
        }
        return score;
    }

    private ValueTask<IReadOnlyList<float>> ProcessAsync(IReadOnlyList<PreparedText> batch, CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyList<float>>(_model.ScoreBatch(batch, _maxWindowsPerRun));

    private static string CauseOf(Exception? exception) => exception switch
    {
        TimeoutRejectedException => "timeout",
        BrokenCircuitException => "circuit_open",
        Tier2ShedException => "shed",
        _ => "error",
    };

    private static DetectorVerdict Degraded(DetectorVerdict tier1, string reason, TimeSpan elapsed)
        => new(DetectorName, tier1.Score, [DegradedReasonPrefix + reason], elapsed, Degraded: true);

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}

/// <summary>The tier-2 queue was full: the work was shed, not failed.</summary>
internal sealed class Tier2ShedException() : Exception("The tier-2 queue is full; the request was shed to the fallback.");
