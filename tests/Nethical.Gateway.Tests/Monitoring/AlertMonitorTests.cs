using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Monitoring;
using Nethical.Guard.Monitoring;

namespace Nethical.Gateway.Tests.Monitoring;

public sealed class AlertMonitorTests
{
    private static (AlertMonitor Monitor, GuardStatistics Statistics, FakeLogCollector Logs) Create(FakeTimeProvider time, AlertOptions? options = null)
    {
        var statistics = new GuardStatistics(time, TimeSpan.FromSeconds(60));
        var logs = new FakeLogCollector();
        var monitor = new AlertMonitor(
            statistics,
            new LastValidOptions<AlertOptions>(new StaticMonitor<AlertOptions>(options ?? new AlertOptions()), new FakeLogger<LastValidOptions<AlertOptions>>()),
            time,
            new FakeLogger<AlertMonitor>(logs));
        return (monitor, statistics, logs);
    }

    private static void RecordMany(GuardStatistics statistics, int count, TimeSpan each)
    {
        for (var i = 0; i < count; i++)
        {
            statistics.Record(GuardStatistics.Screening, each);
        }
    }

    [Fact]
    public void Evaluate_P95OverTheThreshold_RaisedAndLoggedOncePerCrossing()
    {
        var time = new FakeTimeProvider();
        var (monitor, statistics, logs) = Create(time);
        // Average 20 ms (under 50), but a twentieth of requests at 300 ms puts p95 over 100.
        RecordMany(statistics, 95, TimeSpan.FromMilliseconds(5));
        RecordMany(statistics, 5, TimeSpan.FromMilliseconds(300));
        RecordMany(statistics, 1, TimeSpan.FromMilliseconds(300));

        var first = monitor.Evaluate();
        var second = monitor.Evaluate();

        var alert = Assert.Single(first);
        Assert.Equal("latency_p95", alert.Name);
        Assert.Contains("p95", alert.Reason, StringComparison.Ordinal);
        Assert.Single(second);
        Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("latency_p95", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_LatencyBackUnderAfterTheWindow_ClearedAndLoggedOnce()
    {
        var time = new FakeTimeProvider();
        var (monitor, statistics, logs) = Create(time);
        RecordMany(statistics, 30, TimeSpan.FromMilliseconds(400));
        Assert.Equal(["latency_p95", "latency_average"], monitor.Evaluate().Select(a => a.Name));

        time.Advance(TimeSpan.FromSeconds(61));
        RecordMany(statistics, 30, TimeSpan.FromMilliseconds(2));

        Assert.Empty(monitor.Evaluate());
        Assert.Empty(monitor.Evaluate());
        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Level == LogLevel.Information && r.Message.Contains("cleared", StringComparison.Ordinal)));
        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning));
    }

    [Fact]
    public void Evaluate_FewerRequestsThanTheMinimum_NoAlert()
    {
        var (monitor, statistics, _) = Create(new FakeTimeProvider());
        RecordMany(statistics, 19, TimeSpan.FromSeconds(1));

        Assert.Empty(monitor.Evaluate());
    }

    [Fact]
    public void Evaluate_Disabled_NoLatencyAlert()
    {
        var (monitor, statistics, _) = Create(new FakeTimeProvider(), new AlertOptions { Enabled = false });
        RecordMany(statistics, 100, TimeSpan.FromSeconds(1));

        Assert.Empty(monitor.Evaluate());
    }

    [Fact]
    public async Task ExecuteAsync_EveryInterval_EvaluatesOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var (monitor, statistics, _) = Create(time, new AlertOptions { Interval = TimeSpan.FromSeconds(5) });
        await monitor.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            RecordMany(statistics, 50, TimeSpan.FromMilliseconds(500));
            Assert.Empty(monitor.Active);

            time.Advance(TimeSpan.FromSeconds(5));

            await Eventually.UntilAsync(() => monitor.Active.Count == 2, "the periodic evaluation to raise both alerts");
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
