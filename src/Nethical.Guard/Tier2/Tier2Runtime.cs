using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethical.Guard.Monitoring;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Owns tier 2 for the host's lifetime: loads the model (building the INT8 encoder on first start) when the screener
/// is first resolved, which the warm-up does before the host takes traffic, and disposes it on shutdown. A configured
/// model that cannot load stops the host with the reason, rather than serving without it.
/// </summary>
internal sealed partial class Tier2Runtime : IAsyncDisposable
{
    private readonly Tier2Model? _model;
    private readonly VerdictCache? _cache;

    public Tier2Runtime(
        IOptions<Tier2Options> options,
        TimeProvider timeProvider,
        BatcherMetrics batcherMetrics,
        Tier2Metrics metrics,
        CachingMetrics cachingMetrics,
        IEnumerable<IPromptClassifier> hostClassifiers,
        ILogger<Tier2Runtime> logger,
        GuardStatistics? statistics = null)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        if (hostClassifiers.LastOrDefault() is { } hostClassifier)
        {
            _cache = CreateCache(settings, timeProvider, cachingMetrics);
            // The host's own model: served behind the same pipeline, at 0.5, without the student distilled from ours.
            Detector = new ModelPromptInjectionDetector(hostClassifier, 0.5, settings, timeProvider, _cache,
                new RequestCoalescer<CacheKey, float>(metrics: cachingMetrics), batcherMetrics, metrics)
            {
                Statistics = statistics,
            };
            Attach(statistics, Detector);
            LogHostClassifier(logger, hostClassifier.ModelVersion);
            return;
        }

        var start = Stopwatch.GetTimestamp();
        _model = Tier2ModelLoader.Load(settings);
        _cache = CreateCache(settings, timeProvider, cachingMetrics);
        Detector = new ModelPromptInjectionDetector(
            _model.Classifier,
            _model.Manifest.Threshold,
            settings,
            timeProvider,
            _cache,
            new RequestCoalescer<CacheKey, float>(metrics: cachingMetrics),
            batcherMetrics,
            metrics)
        {
            Student = _model.Student,
            StudentPassBelow = _model.Manifest.Student?.PassBelow,
            Statistics = statistics,
        };
        Attach(statistics, Detector);
        var elapsed = Stopwatch.GetElapsedTime(start);
        LogLoaded(logger, _model.Classifier.ModelVersion, _model.EncoderFile, elapsed.TotalMilliseconds);
    }

    /// <summary>The tier-2 detector, or null when tier 2 is disabled.</summary>
    public ModelPromptInjectionDetector? Detector { get; }

    private static void Attach(GuardStatistics? statistics, ModelPromptInjectionDetector detector)
    {
        if (statistics is not null)
        {
            statistics.Tier2Source = () => new Tier2State(
                detector.BreakerState,
                detector.QueueDepth,
                (detector.ShortLaneAdmission.Backlog + detector.LongLaneAdmission.Backlog).TotalMilliseconds,
                detector.ShortLaneAdmission.CostPerWindow.TotalMilliseconds,
                detector.ModelStalled);
        }
    }

    private static VerdictCache? CreateCache(Tier2Options settings, TimeProvider timeProvider, CachingMetrics metrics)
        => settings.CacheSize == 0
            ? null
            : new VerdictCache(new VerdictCacheOptions { SizeLimit = settings.CacheSize, Expiration = settings.CacheExpiration }, timeProvider, metrics);

    public async ValueTask DisposeAsync()
    {
        if (Detector is not null)
        {
            await Detector.DisposeAsync().ConfigureAwait(false);
        }
        _cache?.Dispose();
        _model?.Classifier.Dispose();
    }

    [LoggerMessage(EventId = 110, EventName = "Tier2Loaded", Level = LogLevel.Information, Message = "Tier 2 loaded: model {ModelVersion} from {EncoderFile} in {ElapsedMs:F0} ms.")]
    private static partial void LogLoaded(ILogger logger, string modelVersion, string encoderFile, double elapsedMs);

    [LoggerMessage(EventId = 111, EventName = "Tier2Disabled", Level = LogLevel.Information, Message = "Tier 2 is disabled (Screening:Tier2:Enabled = false): tier 1 alone screens every request.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 112, EventName = "Tier2HostClassifier", Level = LogLevel.Information, Message = "Tier 2 serves the host's classifier, model {ModelVersion}.")]
    private static partial void LogHostClassifier(ILogger logger, string modelVersion);
}
