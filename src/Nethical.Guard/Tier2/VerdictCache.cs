using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Tier-2 scores by model version and normalised text, so that a text seen again is not run through the model again.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="MemoryCache"/> with a size limit, each score counting as one. When a score arrives at a full cache,
/// that score is not stored and <see cref="MemoryCache"/> starts a compaction in the background, which frees
/// <see cref="VerdictCacheOptions.CompactionPercentage"/> of the limit, least recently used first; scores stored after
/// it has run are kept again. So the count never exceeds the limit, and eviction lags the insert that triggered it.
/// </para>
/// <para>
/// Keys hold a SHA-256, never the text: a cache dump shows no prompt. The model version is part of the key, so a new
/// model never reads an old model's scores; those age out by expiry or by eviction.
/// </para>
/// </remarks>
internal sealed class VerdictCache : IDisposable
{
    // Texts whose UTF-8 fits here are hashed from the stack; longer ones from a pooled, cleared-after-use array.
    private const int StackBufferBytes = 1024;

    private readonly MemoryCache _cache;
    private readonly CachingMetrics? _metrics;
    private readonly TimeSpan? _expiration;
    private readonly bool _sliding;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="options">Size limit and expiry; read once, here.</param>
    /// <param name="timeProvider">The clock for expiry and least-recently-used order; the system clock when null.</param>
    /// <param name="metrics">Where to count hits and misses; none when null.</param>
    public VerdictCache(VerdictCacheOptions options, TimeProvider? timeProvider = null, CachingMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        _metrics = metrics;
        _expiration = options.Expiration;
        _sliding = options.SlidingExpiration;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.SizeLimit,
            CompactionPercentage = options.CompactionPercentage,
            TrackStatistics = true,
            Clock = timeProvider is null || timeProvider == TimeProvider.System ? null : new TimeProviderClock(timeProvider),
        });
    }

    /// <summary>Scores held now.</summary>
    public int Count => _cache.Count;

    /// <summary>Lookups that found a score, since the cache was created.</summary>
    public long Hits => _cache.GetCurrentStatistics()?.TotalHits ?? 0;

    /// <summary>Lookups that found none, since the cache was created.</summary>
    public long Misses => _cache.GetCurrentStatistics()?.TotalMisses ?? 0;

    /// <summary>
    /// The key for a text scored by a model: the SHA-256 of the UTF-8 of both, the version's length first so that no
    /// two (version, text) pairs share their bytes. Texts whose UTF-8 fits 1 KiB are encoded on the stack; longer ones
    /// in a pooled array that is cleared before it goes back.
    /// </summary>
    /// <remarks>Unpaired surrogates encode as U+FFFD, so texts that differ only there share a key.</remarks>
    public static CacheKey CreateKey(string modelVersion, ReadOnlySpan<char> normalizedText)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);

        var maxBytes = sizeof(int) + Encoding.UTF8.GetMaxByteCount(modelVersion.Length) + Encoding.UTF8.GetMaxByteCount(normalizedText.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var written = 0;
        try
        {
            var versionBytes = Encoding.UTF8.GetBytes(modelVersion, buffer[sizeof(int)..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, versionBytes);
            written = sizeof(int) + versionBytes;
            written += Encoding.UTF8.GetBytes(normalizedText, buffer[written..]);

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return new CacheKey(hash);
        }
        finally
        {
            if (rented is not null)
            {
                // The text is a prompt: it does not stay behind in a shared pool.
                rented.AsSpan(0, written).Clear();
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Looks a score up; counts a hit or a miss.</summary>
    public bool TryGet(CacheKey key, out float score)
    {
        if (_cache.TryGetValue(key, out var value) && value is float found)
        {
            score = found;
            _metrics?.CacheLookup(hit: true);
            return true;
        }

        score = 0;
        _metrics?.CacheLookup(hit: false);
        return false;
    }

    /// <summary>
    /// Stores a score, replacing any under the same key. At a full cache the score is not stored, and a background
    /// compaction makes room for later ones.
    /// </summary>
    public void Set(CacheKey key, float score)
    {
        using var entry = _cache.CreateEntry(key);
        entry.Size = 1;
        entry.Value = score;
        if (_expiration is { } expiration)
        {
            if (_sliding)
            {
                entry.SlidingExpiration = expiration;
            }
            else
            {
                entry.AbsoluteExpirationRelativeToNow = expiration;
            }
        }
    }

    /// <summary>Removes <paramref name="percentage"/> of the scores now, expired first, then least recently used.</summary>
    internal void Compact(double percentage) => _cache.Compact(percentage);

    public void Dispose() => _cache.Dispose();

    /// <summary>Gives <see cref="MemoryCache"/>, which predates <see cref="TimeProvider"/>, the injected clock.</summary>
    private sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
}
