using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Reporting;

/// <summary>Writes a run's folder: <c>report.md</c>, <c>report.json</c> and the two charts.</summary>
internal static class ReportWriter
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary><c>loadtests/reports/&lt;scenario&gt;-&lt;utc timestamp&gt;/</c> under <paramref name="reportsRoot"/>.</summary>
    public static string FolderFor(string reportsRoot, string scenario, DateTimeOffset startedUtc) =>
        Path.Combine(reportsRoot, $"{scenario}-{startedUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}");

    public static RunReport Write(string folder, RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(folder);
        var charts = Charts.Write(folder, report.Results);
        report = report with { Charts = charts };
        File.WriteAllText(Path.Combine(folder, "report.json"), ToJson(report));
        File.WriteAllText(Path.Combine(folder, "report.md"), ToMarkdown(report));
        return report;
    }

    public static string ToJson(RunReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static string ToMarkdown(RunReport report)
    {
        var settings = report.Settings;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Load test: {report.Scenario}");
        md.AppendLine();
        md.AppendLine(report.ScenarioDescription);
        md.AppendLine();
        md.AppendLine("## Settings");
        md.AppendLine();
        md.AppendLine(inv, $"- started (UTC): {report.StartedUtc:yyyy-MM-dd HH:mm:ss}");
        md.AppendLine(inv, $"- machine: {report.Machine} ({report.ProcessorCount} logical processors seen)");
        md.AppendLine(settings.IsClosed
            ? string.Create(inv, $"- model: closed, {settings.Clients} clients")
            : string.Create(inv, $"- model: open, {settings.Rate:0.#} req/s{(settings.Steps > 1 ? $" in {settings.Steps} steps of {settings.StepDuration.TotalSeconds:0.#} s (step k at k × rate)" : "")}"));
        md.AppendLine(inv, $"- measured: {settings.MeasuredDuration.TotalSeconds:0.#} s per target and round, after {settings.Warmup.TotalSeconds:0.#} s of warm-up (not counted){(settings.CalmDuration > TimeSpan.Zero ? string.Create(inv, $"; the warm-up at {settings.RecoveryRate:0.#} req/s, then {settings.CalmDuration.TotalSeconds:0.#} s calm at that rate (the recovery baseline) before the measured phase, and the recovery tail after it") : "")}");
        md.AppendLine(inv, $"- in-flight cap: {settings.MaxInFlight}; request timeout: {settings.RequestTimeout.TotalSeconds:0.#} s; late when sent > {settings.LateThreshold.TotalMilliseconds:0.#} ms after the intended time");
        md.AppendLine(inv, $"- upstream: in-process fake, latency {report.UpstreamLatencyMs:0.#} ms; streamed share {settings.StreamShare:P0}; seed {settings.Seed}");
        if (report.UserTurns.Length > 0)
        {
            md.AppendLine(inv, $"- user turns: {report.UserTurns}");
        }

        if (report.History.Length > 0)
        {
            md.AppendLine(inv, $"- history: {report.History}");
        }

        if (report.Scenario == "cache")
        {
            md.AppendLine(inv, $"- working set: {settings.WorkingSet} distinct bodies, each request one of them at random (prompts repeat)");
        }

        md.AppendLine("- latency: open model from each request's intended send time to its last byte (no coordinated omission)");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| target | round | req/s | p50 ms | p75 ms | p95 ms | p99 ms | p99.9 ms | max ms | mean ms | scheduled | sent | completed | 2xx | errors | dropped | late (max ms) | status codes | error kinds |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Results)
        {
            var l = r.Latency;
            md.AppendLine(inv, $"| {r.Label} | {r.Round} | {r.Throughput:0.0} | {l.P50Ms:0.00} | {l.P75Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.P999Ms:0.00} | {l.MaxMs:0.00} | {l.MeanMs:0.00} | {r.Scheduled} | {r.Sent} | {r.Completed} | {r.Ok} | {r.Errors} | {r.DroppedByGenerator} | {r.Late} ({r.LateMaxMs:0.0}) | {Join(r.StatusCodes)} | {Join(r.ErrorKinds)} |");
        }

        md.AppendLine();
        if (report.Results.Any(static r => r.TimeToFirstByte is not null))
        {
            md.AppendLine("## Time to first byte");
            md.AppendLine();
            md.AppendLine("From the same start as the latency (intended send time in the open model) to the first byte of the response body, next to the full response.");
            md.AppendLine();
            md.AppendLine("| target | round | count | ttfb p50 ms | ttfb p95 ms | ttfb p99 ms | ttfb max ms | full p50 ms | full p95 ms | full p99 ms | full max ms |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                if (r.TimeToFirstByte is { } t)
                {
                    var l = r.Latency;
                    md.AppendLine(inv, $"| {r.Label} | {r.Round} | {t.Count} | {t.P50Ms:0.00} | {t.P95Ms:0.00} | {t.P99Ms:0.00} | {t.MaxMs:0.00} | {l.P50Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.MaxMs:0.00} |");
                }
            }

            md.AppendLine();
        }

        if (report.Results.Any(static r => r.Guard is not null))
        {
            md.AppendLine("## The gateway's own view");
            md.AppendLine();
            md.AppendLine("From `GET /v1/guard/metrics` at the end of each gateway run (its statistics window set to the measured duration), and once a second during it for the breaker states and alerts seen.");
            md.AppendLine();
            md.AppendLine("| target | round | screened | sent to tier 2 | tier-2 cache hits | segments recalled | texts/batch | shed | degraded | breaker seen | alerts seen |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                if (r.Guard is { } g)
                {
                    md.AppendLine(inv, $"| {r.Label} | {r.Round} | {g.Screened} | {g.Tier2Share:P1} ({g.SentToTier2}) | {g.CacheHitRate:P1} | {g.SegmentRecallRate:P1} | {g.AverageBatchTexts:0.0} | {g.Shed} | {string.Join(' ', g.Degraded.Select(static d => $"{d.Key}:{d.Value}"))} | {string.Join('/', g.BreakerStates)} | {string.Join('/', g.Alerts)} |");
                }
            }

            md.AppendLine();
            md.AppendLine("| target | round | stage | count | avg ms | p50 ms | p95 ms | p99 ms | max ms |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                if (r.Guard is { } g)
                {
                    foreach (var (stage, l) in g.Latency)
                    {
                        md.AppendLine(inv, $"| {r.Label} | {r.Round} | {stage} | {l.Count} | {l.Average:0.000} | {l.P50:0.000} | {l.P95:0.000} | {l.P99:0.000} | {l.Max:0.000} |");
                    }
                }
            }

            md.AppendLine();
        }

        if (report.Results.Any(static r => r.Recovery is not null))
        {
            md.AppendLine("## Shed and recovery");
            md.AppendLine();
            md.AppendLine("503s of the measured phase (with `Retry-After` or not), then the low-rate tail: requests by intended send second from the tail's start; recovered at the first second with no 503, no error and p99 under twice the baseline's p99 (the same target in a calm phase at the tail's rate before the load).");
            md.AppendLine();
            md.AppendLine("| target | round | 503 shed | with Retry-After | without | admitted p99 ms | tail req/s | tail p99 ms | calm 503s / errors | baseline p99 ms | recovered after s | tail per second (sent/503/errors/p99 ms) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                if (r.Recovery is { } tail)
                {
                    md.AppendLine(inv, $"| {r.Label} | {r.Round} | {r.Shed} | {r.ShedWithRetryAfter} | {r.Shed - r.ShedWithRetryAfter} | {r.AdmittedLatency.P99Ms:0.00} | {tail.Rate:0.#} | {tail.Latency.P99Ms:0.00} | {tail.CalmShed} / {tail.CalmErrors} | {tail.BaselineP99Ms:0.00} ({tail.BaselineOf}) | {(tail.RecoveredAfterSeconds is { } s ? s.ToString(inv) : "not within the tail")} | {RecoveryReport.Series(tail)} |");
                }
            }

            md.AppendLine();
        }

        if (report.Results.Any(static r => r.StepResults.Count > 0))
        {
            md.AppendLine("## Steps");
            md.AppendLine();
            md.AppendLine("| target | round | step | rate req/s | completed | req/s | p50 ms | p99 ms | max ms |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var r in report.Results)
            {
                foreach (var step in r.StepResults)
                {
                    md.AppendLine(inv, $"| {r.Label} | {r.Round} | {step.Step} | {step.Rate:0.#} | {step.Completed} | {step.Throughput:0.0} | {step.Latency.P50Ms:0.00} | {step.Latency.P99Ms:0.00} | {step.Latency.MaxMs:0.00} |");
                }
            }

            md.AppendLine();
        }

        if (report.Comparisons.Count > 0)
        {
            var baseline = Comparison.BaselineName(report.Comparisons[0].Baseline);
            md.AppendLine(inv, $"## Gateway / {baseline}");
            md.AppendLine();
            md.AppendLine(inv, $"| of | gateway req/s | {baseline} req/s | throughput ratio | p50 added ms | p99 added ms |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in report.Comparisons)
            {
                md.AppendLine(inv, $"| {c.Of} | {c.GatewayThroughput:0.0} | {c.BaselineThroughput:0.0} | {c.ThroughputRatio:0.000} | {c.P50AddedMs:+0.00;-0.00;0.00} | {c.P99AddedMs:+0.00;-0.00;0.00} |");
            }

            md.AppendLine();
        }

        md.AppendLine("## Charts");
        md.AppendLine();
        foreach (var chart in report.Charts)
        {
            md.AppendLine(chart.Contains(' ', StringComparison.Ordinal) ? "- " + chart : $"![{chart}]({chart})");
        }

        md.AppendLine();
        md.AppendLine("## Caveat");
        md.AppendLine();
        md.AppendLine("The load generator, the fake upstream, the gateway and YARP share the same cores: the absolute numbers say what this machine can do with all of them on it, not what the gateway does alone. The ratios (measured alternately, same upstream, same load) are the useful part.");
        return md.ToString();
    }

    private static string Join(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "–" : string.Join(", ", counts.Select(static pair => $"{pair.Key}: {pair.Value}"));
}
