using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Nethical.LoadTests.Running;

/// <summary>
/// Watches the gateway while a target runs: reads <c>GET /v1/guard/metrics</c> every second (the breaker states and
/// alerts it passes through) and once more at the end (the per-stage latencies, the share sent to tier 2, shed and
/// degraded counts over the gateway's statistics window, which the harness sets to the measured duration).
/// </summary>
internal sealed class GuardProbe : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly SortedSet<string> _breakerStates = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _alerts = new(StringComparer.Ordinal);
    private readonly Task _polling;
    private int _polls;
    private int _failures;

    private GuardProbe(Uri gateway)
    {
        _client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };
        _polling = PollAsync();
    }

    public static GuardProbe Start(Uri gateway) => new(gateway);

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await ReadAsync(_stop.Token);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<JsonElement?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var document = await _client.GetFromJsonAsync<JsonDocument>("/v1/guard/metrics", cancellationToken);
            if (document is null)
            {
                return null;
            }
            var root = document.RootElement.Clone();
            lock (_breakerStates)
            {
                _polls++;
                if (root.TryGetProperty("tier2", out var tier2) && tier2.ValueKind == JsonValueKind.Object)
                {
                    _breakerStates.Add(tier2.GetProperty("breaker").GetString() ?? "unknown");
                }
                foreach (var alert in root.GetProperty("alerts").EnumerateArray())
                {
                    _alerts.Add(alert.GetProperty("name").GetString() ?? "unknown");
                }
            }
            return root;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            Interlocked.Increment(ref _failures);
            return null;
        }
    }

    /// <summary>Stops polling and reads the statistics once more; null when the gateway never answered.</summary>
    public async Task<GuardSample?> StopAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        var last = await ReadAsync(CancellationToken.None);
        if (last is not { } root)
        {
            return null;
        }
        lock (_breakerStates)
        {
            return GuardSample.From(root, [.. _breakerStates], [.. _alerts], _polls, _failures);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _polling;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _client.Dispose();
    }
}

/// <summary>What the gateway said about itself over a run (<see cref="GuardProbe"/>).</summary>
internal sealed record GuardSample
{
    public double WindowSeconds { get; init; }
    public long Screened { get; init; }
    public long SentToTier2 { get; init; }
    public double Tier2Share { get; init; }
    public double CacheHitRate { get; init; }
    /// <summary>Segments answered from the gateway's segment memo (repeated system prompts and history).</summary>
    public double SegmentRecallRate { get; init; }
    public long Batches { get; init; }
    public double AverageBatchTexts { get; init; }
    public long Shed { get; init; }
    public IReadOnlyDictionary<string, long> Degraded { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, StageLatency> Latency { get; init; } = new Dictionary<string, StageLatency>();
    /// <summary>Every breaker state seen while polling once a second (closed throughout: just <c>closed</c>).</summary>
    public IReadOnlyList<string> BreakerStates { get; init; } = [];
    /// <summary>Every alert seen while polling.</summary>
    public IReadOnlyList<string> Alerts { get; init; } = [];
    public double CostPerWindowMs { get; init; }
    public int Polls { get; init; }
    public int FailedPolls { get; init; }

    public static GuardSample From(JsonElement root, IReadOnlyList<string> breakerStates, IReadOnlyList<string> alerts, int polls, int failures)
    {
        var latency = new SortedDictionary<string, StageLatency>(StringComparer.Ordinal);
        foreach (var stage in root.GetProperty("latencyMs").EnumerateObject())
        {
            var v = stage.Value;
            latency[stage.Name] = new StageLatency(v.GetProperty("count").GetInt64(), v.GetProperty("avg").GetDouble(), v.GetProperty("p50").GetDouble(),
                v.GetProperty("p95").GetDouble(), v.GetProperty("p99").GetDouble(), v.GetProperty("max").GetDouble());
        }
        var degraded = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var cause in root.GetProperty("degraded").EnumerateObject())
        {
            degraded[cause.Name] = cause.Value.GetInt64();
        }
        var tier2 = root.GetProperty("tier2");
        return new GuardSample
        {
            WindowSeconds = root.GetProperty("windowSeconds").GetDouble(),
            Screened = root.GetProperty("screened").GetInt64(),
            SentToTier2 = root.GetProperty("sentToTier2").GetInt64(),
            Tier2Share = root.GetProperty("tier2Share").GetDouble(),
            CacheHitRate = root.GetProperty("cacheHitRate").GetDouble(),
            SegmentRecallRate = root.TryGetProperty("segmentRecallRate", out var recall) ? recall.GetDouble() : 0,
            Batches = root.GetProperty("batches").GetInt64(),
            AverageBatchTexts = root.GetProperty("averageBatchTexts").GetDouble(),
            Shed = root.GetProperty("shed").GetInt64(),
            Degraded = degraded,
            Latency = latency,
            BreakerStates = breakerStates,
            Alerts = alerts,
            CostPerWindowMs = tier2.ValueKind == JsonValueKind.Object ? tier2.GetProperty("costPerWindowMs").GetDouble() : 0,
            Polls = polls,
            FailedPolls = failures,
        };
    }

    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var tier2 = Latency.TryGetValue("prompt_injection.tier2", out var t2) ? string.Create(inv, $"tier-2 p99 {t2.P99:0.0} ms (n {t2.Count})") : "tier 2 not used";
        var screening = Latency.TryGetValue("screening", out var s) ? string.Create(inv, $"screening avg {s.Average:0.00} ms p99 {s.P99:0.0} ms") : "";
        return string.Create(inv,
            $"guard: {Tier2Share:P1} sent to tier 2 ({SentToTier2}/{Screened}), {tier2}, {screening}, cache hits {CacheHitRate:P1}, segments recalled {SegmentRecallRate:P1}, {AverageBatchTexts:0.0} texts/batch, model {CostPerWindowMs:0.00} ms/window, shed {Shed}, degraded {string.Join(' ', Degraded.Select(static d => $"{d.Key}:{d.Value}"))}, breaker {string.Join('/', BreakerStates)}{(Alerts.Count > 0 ? ", alerts " + string.Join('/', Alerts) : "")}");
    }
}

/// <summary>One stage's latency as the gateway reports it, in milliseconds.</summary>
internal sealed record StageLatency(long Count, double Average, double P50, double P95, double P99, double Max);
