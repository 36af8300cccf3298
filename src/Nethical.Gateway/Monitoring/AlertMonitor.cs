using System.Globalization;
using Nethical.Gateway.Hosting;
using Nethical.Guard.Monitoring;

namespace Nethical.Gateway.Monitoring;

/// <summary>
/// Evaluates the latency alerts (<see cref="AlertOptions"/>) over the guard's live statistics every
/// <see cref="AlertOptions.Interval"/>, and tier 2's breaker with them. Keeps the active alerts for the readiness
/// check and logs each one once when it starts (warning) and once when it clears (information).
/// </summary>
internal sealed partial class AlertMonitor(
    GuardStatistics statistics,
    LastValidOptions<AlertOptions> options,
    TimeProvider timeProvider,
    ILogger<AlertMonitor> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private IReadOnlyList<Alert> _active = [];

    /// <summary>The alerts active at the last evaluation.</summary>
    public IReadOnlyList<Alert> Active
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The period starts now, not when the background loop first runs on the thread pool.
        _timer = new PeriodicTimer(options.Current.Interval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("The monitor was not started.");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Evaluate();
                }
#pragma warning disable CA1031 // Monitoring must never stop the host: log and try again at the next tick.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogEvaluationFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Evaluates the alerts now, logs the crossings and returns the active ones.</summary>
    public IReadOnlyList<Alert> Evaluate()
    {
        var snapshot = statistics.Snapshot();
        var settings = options.Current;
        var alerts = new List<Alert>(3);
        if (snapshot.Tier2 is { BreakerState: not "closed" } tier2)
        {
            alerts.Add(new Alert("tier2_breaker", $"tier 2's circuit breaker is {tier2.BreakerState}: requests that need the model get tier 1's verdict or a retryable refusal"));
        }
        if (snapshot.Tier2 is { Stalled: true })
        {
            alerts.Add(new Alert("tier2_stalled", "a tier-2 model run has gone far past its allowance: requests that need the model get tier 1's verdict or a retryable refusal until it ends"));
        }
        if (settings.Enabled && snapshot.Latency.TryGetValue(settings.Stage, out var latency) && latency.Count >= settings.MinimumCount)
        {
            if (latency.P95 > settings.P95.TotalMilliseconds)
            {
                alerts.Add(new Alert("latency_p95", string.Create(CultureInfo.InvariantCulture,
                    $"{settings.Stage} p95 {latency.P95:F1} ms over {settings.P95.TotalMilliseconds:F0} ms ({latency.Count} requests in {snapshot.Window.TotalSeconds:F0} s)")));
            }
            if (latency.Average > settings.Average.TotalMilliseconds)
            {
                alerts.Add(new Alert("latency_average", string.Create(CultureInfo.InvariantCulture,
                    $"{settings.Stage} average {latency.Average:F1} ms over {settings.Average.TotalMilliseconds:F0} ms ({latency.Count} requests in {snapshot.Window.TotalSeconds:F0} s)")));
            }
        }

        IReadOnlyList<Alert> previous;
        lock (_lock)
        {
            previous = _active;
            _active = alerts;
        }
        foreach (var alert in alerts)
        {
            if (!previous.Any(p => p.Name == alert.Name))
            {
                LogAlertRaised(logger, alert.Name, alert.Reason);
            }
        }
        foreach (var alert in previous)
        {
            if (!alerts.Any(a => a.Name == alert.Name))
            {
                LogAlertCleared(logger, alert.Name);
            }
        }
        return alerts;
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Alert {Alert} raised: {Reason}")]
    private static partial void LogAlertRaised(ILogger logger, string alert, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "Evaluating the alerts failed; retrying at the next interval")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Alert {Alert} cleared")]
    private static partial void LogAlertCleared(ILogger logger, string alert);
}

/// <summary>One active alert: a stable name and a reason for people.</summary>
internal sealed record Alert(string Name, string Reason);
