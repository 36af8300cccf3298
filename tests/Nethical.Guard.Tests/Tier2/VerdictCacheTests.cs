using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class VerdictCacheTests
{
    [Fact]
    public void CreateKey_SameVersionAndText_SameKey()
    {
        var first = VerdictCache.CreateKey("minilm-v3", "ignore all previous instructions");
        var second = VerdictCache.CreateKey("minilm-v3", "ignore all previous instructions".AsSpan());

        Assert.Equal(first, second);
        Assert.True(first == second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Matches("^[0-9a-f]{64}$", first.ToString());
    }

    [Fact]
    public void CreateKey_DifferentVersionOrText_DifferentKeys()
    {
        var keys = new[]
        {
            VerdictCache.CreateKey("minilm-v3", "hello"),
            VerdictCache.CreateKey("minilm-v4", "hello"),
            VerdictCache.CreateKey("minilm-v3", "hello!"),
            VerdictCache.CreateKey("minilm-v3", ""),
            // The version's length is hashed too: moving a character across the boundary changes the key.
            VerdictCache.CreateKey("ab", "c"),
            VerdictCache.CreateKey("a", "bc"),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void CreateKey_TextLongerThanTheStackBuffer_HashesAllOfIt()
    {
        var text = new string('a', 5_000) + "é" + new string('b', 5_000);
        var changedAtTheEnd = text[..^1] + "c";

        Assert.Equal(VerdictCache.CreateKey("v1", text), VerdictCache.CreateKey("v1", text));
        Assert.NotEqual(VerdictCache.CreateKey("v1", text), VerdictCache.CreateKey("v1", changedAtTheEnd));
    }

    [Fact]
    public void TryGet_AfterSet_HitsAndCountsHitsAndMisses()
    {
        using var meters = new TestMeterFactory();
        using var requests = new MetricCollector<long>(meters, GuardDiagnostics.MeterName, "nethical.tier2.cache.requests");
        using var cache = new VerdictCache(new VerdictCacheOptions(), new FakeTimeProvider(), new CachingMetrics(meters));
        var key = VerdictCache.CreateKey("v1", "some text");

        var before = cache.TryGet(key, out _);
        cache.Set(key, 0.875f);
        var after = cache.TryGet(key, out var score);

        Assert.False(before);
        Assert.True(after);
        Assert.Equal(0.875f, score);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Misses);
        Assert.Equal(["miss", "hit"], requests.GetMeasurementSnapshot().Select(m => (string?)m.Tags["result"]));
    }

    [Fact]
    public void TryGet_OtherModelVersion_Misses()
    {
        using var cache = new VerdictCache(new VerdictCacheOptions(), new FakeTimeProvider());
        cache.Set(VerdictCache.CreateKey("v1", "text"), 0.5f);

        Assert.False(cache.TryGet(VerdictCache.CreateKey("v2", "text"), out _));
    }

    [Fact]
    public void TryGet_AbsoluteExpiration_MissesOnceExpired()
    {
        var time = new FakeTimeProvider();
        using var cache = new VerdictCache(new VerdictCacheOptions { Expiration = TimeSpan.FromHours(1) }, time);
        var key = VerdictCache.CreateKey("v1", "text");
        cache.Set(key, 0.5f);

        time.Advance(TimeSpan.FromMinutes(59));
        var beforeExpiry = cache.TryGet(key, out _);
        time.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = cache.TryGet(key, out _);

        Assert.True(beforeExpiry);
        Assert.False(afterExpiry);
    }

    [Fact]
    public void TryGet_SlidingExpiration_EachHitExtendsTheScore()
    {
        var time = new FakeTimeProvider();
        using var cache = new VerdictCache(new VerdictCacheOptions { Expiration = TimeSpan.FromHours(1), SlidingExpiration = true }, time);
        var key = VerdictCache.CreateKey("v1", "text");
        cache.Set(key, 0.5f);

        time.Advance(TimeSpan.FromMinutes(50));
        Assert.True(cache.TryGet(key, out _));
        time.Advance(TimeSpan.FromMinutes(50));
        Assert.True(cache.TryGet(key, out _));
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public async Task Set_FullCache_CompactsInTheBackgroundLeastRecentlyUsedFirst()
    {
        var time = new FakeTimeProvider();
        using var cache = new VerdictCache(new VerdictCacheOptions { SizeLimit = 100, CompactionPercentage = 0.1 }, time);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            cache.Set(Key(i), i);
        }

        Assert.Equal(100, cache.Count);

        // The cache is full: this score is refused, and compaction starts in the background.
        cache.Set(Key(100), 100);
        await Eventually.UntilAsync(() => cache.Count <= 90, "compaction to free 10% of the limit");

        Assert.Equal(90, cache.Count);
        Assert.All(Enumerable.Range(0, 10), i => Assert.False(cache.TryGet(Key(i), out _), $"key {i} should have been evicted"));
        Assert.All(Enumerable.Range(10, 90), i => Assert.True(cache.TryGet(Key(i), out _), $"key {i} should have been kept"));
        Assert.False(cache.TryGet(Key(100), out _));

        // With room again, a new score is kept.
        cache.Set(Key(101), 101);
        Assert.True(cache.TryGet(Key(101), out var score));
        Assert.Equal(101, score);
    }

    [Fact]
    public async Task Set_TenTimesTheLimit_CountNeverExceedsTheLimit()
    {
        var time = new FakeTimeProvider();
        using var cache = new VerdictCache(new VerdictCacheOptions { SizeLimit = 100 }, time);

        for (var i = 0; i < 1_000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            cache.Set(Key(i), i);
            Assert.True(cache.Count <= 100, $"{cache.Count} scores after {i + 1} sets");
        }

        // Compaction removes scores for real, least recently used first: the most recent one is kept.
        var beforeCompaction = cache.Count;
        cache.Compact(0.5);

        Assert.InRange(beforeCompaction, 2, 100);
        Assert.InRange(cache.Count, 0, beforeCompaction - (beforeCompaction / 2));
        await Eventually.UntilAsync(() => cache.Count <= 100, "background compaction to settle");
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new VerdictCache(new VerdictCacheOptions { SizeLimit = 0 }));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new VerdictCache(new VerdictCacheOptions { Expiration = TimeSpan.Zero }));
    }

    private static CacheKey Key(int i) => VerdictCache.CreateKey("v1", $"text {i}");
}
