using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Reporting;

/// <summary>Everything a report holds: the settings, the machine note, each target's rounds and the gateway/baseline ratios.</summary>
internal sealed record RunReport
{
    public const string DefaultMachineNote = "2 cores shared by the load generator, the gateway and the upstream";

    public string Scenario { get; init; } = "";
    public string ScenarioDescription { get; init; } = "";
    public DateTimeOffset StartedUtc { get; init; }
    public string Machine { get; init; } = DefaultMachineNote;
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;
    public LoadSettings Settings { get; init; } = new();
    public double UpstreamLatencyMs { get; init; }
    /// <summary>Where the user turns come from (data files or generated words).</summary>
    public string UserTurns { get; init; } = "";
    /// <summary>The realistic mix's history (conversations or fresh turns); empty for the short chats.</summary>
    public string History { get; init; } = "";
    public IReadOnlyList<RunResult> Results { get; init; } = [];
    public IReadOnlyList<Comparison> Comparisons { get; init; } = [];
    /// <summary>Where the charts are (file names in the report folder), or why they are missing.</summary>
    public IReadOnlyList<string> Charts { get; init; } = [];
}

/// <summary>The recovery tails' baselines and recovery times, once every result of the run is known.</summary>
internal static class RecoveryBaseline
{
    /// <summary>
    /// Each tail against the same target's p99 in its calm phase (the tail's rate, before the load); when the calm
    /// phase had no answer, against the target's own best tail second.
    /// </summary>
    public static IReadOnlyList<RunResult> Apply(IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var applied = new List<RunResult>(results.Count);
        foreach (var r in results)
        {
            if (r.Recovery is not { } tail)
            {
                applied.Add(r);
                continue;
            }

            var (baseline, of) = tail.CalmLatency.Count > 0
                ? (tail.CalmLatency.P99Ms, "its calm p99 before the load")
                : (tail.Series.Where(static s => s.Completed > 0 && s.Shed == 0 && s.Errors == 0).Select(static s => s.P99Ms).DefaultIfEmpty(0).Min(),
                    "this target's best tail second");
            applied.Add(r with
            {
                Recovery = tail with
                {
                    BaselineP99Ms = baseline,
                    BaselineOf = of,
                    RecoveredAfterSeconds = baseline > 0 ? RecoveryResult.SecondsToRecover(tail.Series, baseline) : null,
                },
            });
        }

        return applied;
    }
}

/// <summary>
/// The gateway against its baseline (plain YARP; in the egress scenario the plain forward proxy), per mode in the egress
/// scenario: throughput ratio and the latency the gateway adds (a round, or all rounds averaged).
/// </summary>
internal sealed record Comparison(string Of, double ThroughputRatio, double P50AddedMs, double P99AddedMs, double GatewayThroughput, double BaselineThroughput,
    string Baseline = "yarp", string Mode = "")
{
    /// <summary>The baseline as the console and the report name it.</summary>
    public static string BaselineName(string baseline) => baseline switch
    {
        "yarp" => "YARP",
        "proxy" => "plain forward proxy",
        _ => baseline,
    };

    /// <summary>The gateway's results against <paramref name="baseline"/>'s (the target of that name), round by round and mode by mode.</summary>
    public static IReadOnlyList<Comparison> From(IReadOnlyList<RunResult> results, string baseline = "yarp")
    {
        ArgumentNullException.ThrowIfNull(results);
        var comparisons = new List<Comparison>();
        foreach (var mode in results.Select(static r => r.Mode).Distinct())
        {
            var gateway = results.Where(r => r.Target == "gateway" && r.Mode == mode).ToList();
            var other = results.Where(r => r.Target == baseline && r.Mode == mode).ToList();
            if (gateway.Count == 0 || other.Count == 0)
            {
                continue;
            }

            var prefix = mode.Length == 0 ? "" : mode + ", ";
            foreach (var g in gateway)
            {
                var b = other.FirstOrDefault(r => r.Round == g.Round);
                if (b is not null)
                {
                    comparisons.Add(Compare($"{prefix}round {g.Round}", [g], [b], baseline, mode));
                }
            }

            if (gateway.Count > 1)
            {
                comparisons.Add(Compare($"{prefix}all rounds (mean)", gateway, other, baseline, mode));
            }
        }

        return comparisons;
    }

    private static Comparison Compare(string name, IReadOnlyList<RunResult> gateway, IReadOnlyList<RunResult> baseline, string baselineTarget, string mode)
    {
        var gThroughput = gateway.Average(static r => r.Throughput);
        var bThroughput = baseline.Average(static r => r.Throughput);
        return new Comparison(
            name,
            bThroughput > 0 ? gThroughput / bThroughput : 0,
            gateway.Average(static r => r.Latency.P50Ms) - baseline.Average(static r => r.Latency.P50Ms),
            gateway.Average(static r => r.Latency.P99Ms) - baseline.Average(static r => r.Latency.P99Ms),
            gThroughput,
            bThroughput,
            baselineTarget,
            mode);
    }
}

/// <summary>The recovery tail in one line: <c>second: sent/503/errors/p99 ms</c> per second.</summary>
internal static class RecoveryReport
{
    public static string Series(RecoveryResult tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        return string.Join("; ", tail.Series.Select(static s =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Second}: {s.Sent}/{s.Shed}/{s.Errors}/{s.P99Ms:0.0}")));
    }
}
