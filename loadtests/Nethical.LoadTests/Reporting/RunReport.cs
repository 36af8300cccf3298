using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Reporting;

/// <summary>Everything a report holds: the settings, the machine note, each target's rounds and the gateway/YARP ratios.</summary>
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
    public IReadOnlyList<RunResult> Results { get; init; } = [];
    public IReadOnlyList<Comparison> Comparisons { get; init; } = [];
    /// <summary>Where the charts are (file names in the report folder), or why they are missing.</summary>
    public IReadOnlyList<string> Charts { get; init; } = [];
}

/// <summary>The gateway against plain YARP: throughput ratio and the latency the gateway adds (a round, or all rounds averaged).</summary>
internal sealed record Comparison(string Of, double ThroughputRatio, double P50AddedMs, double P99AddedMs, double GatewayThroughput, double YarpThroughput)
{
    public static IReadOnlyList<Comparison> From(IReadOnlyList<RunResult> results)
    {
        var comparisons = new List<Comparison>();
        var gateway = results.Where(static r => r.Target == "gateway").ToList();
        var yarp = results.Where(static r => r.Target == "yarp").ToList();
        if (gateway.Count == 0 || yarp.Count == 0)
        {
            return comparisons;
        }

        foreach (var g in gateway)
        {
            var y = yarp.FirstOrDefault(r => r.Round == g.Round);
            if (y is not null)
            {
                comparisons.Add(Compare($"round {g.Round}", [g], [y]));
            }
        }

        if (gateway.Count > 1)
        {
            comparisons.Add(Compare("all rounds (mean)", gateway, yarp));
        }

        return comparisons;
    }

    private static Comparison Compare(string name, IReadOnlyList<RunResult> gateway, IReadOnlyList<RunResult> yarp)
    {
        var gThroughput = gateway.Average(static r => r.Throughput);
        var yThroughput = yarp.Average(static r => r.Throughput);
        return new Comparison(
            name,
            yThroughput > 0 ? gThroughput / yThroughput : 0,
            gateway.Average(static r => r.Latency.P50Ms) - yarp.Average(static r => r.Latency.P50Ms),
            gateway.Average(static r => r.Latency.P99Ms) - yarp.Average(static r => r.Latency.P99Ms),
            gThroughput,
            yThroughput);
    }
}
