using Microsoft.Extensions.Time.Testing;
using Nethical.Guard.Monitoring;

namespace Nethical.Guard.Tests.Monitoring;

public sealed class GuardStatisticsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public void Snapshot_LatenciesRecorded_PercentilesWithinTheBucketWidth()
    {
        var statistics = new GuardStatistics(new FakeTimeProvider(), Window);

        // 1..1000 ms: p50 500, p95 950, p99 990, mean 500.5, max 1000.
        for (var ms = 1; ms <= 1000; ms++)
        {
            statistics.Record("stage", TimeSpan.FromMilliseconds(ms));
        }

        var latency = statistics.Snapshot().Latency["stage"];
        Assert.Equal(1000, latency.Count);
        Assert.Equal(500.5, latency.Average, precision: 3);
        Assert.InRange(latency.P50, 500 * 0.97, 500 * 1.03);
        Assert.InRange(latency.P95, 950 * 0.97, 950 * 1.03);
        Assert.InRange(latency.P99, 990 * 0.97, 1000);
        Assert.Equal(1000, latency.Max);
    }

    [Fact]
    public void Snapshot_WindowMovesOn_OldRecordsExpireSliceBySlice()
    {
        var time = new FakeTimeProvider();
        var statistics = new GuardStatistics(time, Window);
        statistics.Record("stage", TimeSpan.FromMilliseconds(900));
        time.Advance(TimeSpan.FromSeconds(30));
        statistics.Record("stage", TimeSpan.FromMilliseconds(10));

        Assert.Equal(2, statistics.Snapshot().Latency["stage"].Count);

        // A window later the first is gone, the second still counts.
        time.Advance(TimeSpan.FromSeconds(35));
        var latency = statistics.Snapshot().Latency["stage"];
        Assert.Equal(1, latency.Count);
        Assert.Equal(10, latency.Max);

        time.Advance(Window);
        Assert.Equal(LatencyStatistics.Empty, statistics.Snapshot().Latency["stage"]);
    }

    [Fact]
    public void Snapshot_CountersRecorded_SharesAndRates()
    {
        var statistics = new GuardStatistics(new FakeTimeProvider(), Window);
        for (var i = 0; i < 10; i++)
        {
            statistics.Screened(sentToTier2: i < 3);
        }
        statistics.CacheLookup(hit: true);
        statistics.CacheLookup(hit: false);
        statistics.CacheLookup(hit: false);
        statistics.CacheLookup(hit: false);
        statistics.Batch(4, TimeSpan.FromMilliseconds(20));
        statistics.Batch(2, TimeSpan.FromMilliseconds(10));
        statistics.Degraded("shed");
        statistics.Degraded("shed");
        statistics.Degraded("timeout");

        var snapshot = statistics.Snapshot();

        Assert.Equal(10, snapshot.Screened);
        Assert.Equal(0.3, snapshot.Tier2Share, precision: 6);
        Assert.Equal(0.25, snapshot.CacheHitRate, precision: 6);
        Assert.Equal(2, snapshot.Batches);
        Assert.Equal(3, snapshot.AverageBatchTexts, precision: 6);
        Assert.Equal(2, snapshot.Shed);
        Assert.Equal(new Dictionary<string, long> { ["shed"] = 2, ["timeout"] = 1 }, snapshot.Degraded);
        Assert.Equal(2, snapshot.Latency[GuardStatistics.Tier2Inference].Count);
    }

    [Fact]
    public void Snapshot_NothingRecorded_ZerosNotDivisionByZero()
    {
        var snapshot = new GuardStatistics(new FakeTimeProvider(), Window).Snapshot();

        Assert.Empty(snapshot.Latency);
        Assert.Equal(0, snapshot.Tier2Share);
        Assert.Equal(0, snapshot.CacheHitRate);
        Assert.Equal(0, snapshot.AverageBatchTexts);
        Assert.Null(snapshot.Tier2);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(31L)]
    [InlineData(32L)]
    [InlineData(1_000L)]
    [InlineData(123_456L)]
    [InlineData(60_000_000L)]
    public void BucketOf_Value_LiesWithinItsBucketsBounds(long micros)
    {
        var (low, high) = SlidingLatency.BoundsOf(SlidingLatency.BucketOf(micros));

        Assert.InRange(micros, low, high);
        Assert.True(high - low <= Math.Max(0, low / 16), $"bucket [{low}, {high}] is wider than 1/16 of its value");
    }
}
