using System.Text.Json;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;
using Nethical.LoadTests.Targets;

namespace Nethical.LoadTests.Tests.Running;

/// <summary>The runner in-process against the fake upstream, at a low rate: the report's fields, never its speed.</summary>
public sealed class LoadRunnerTests
{
    private static readonly LoadSettings s_smoke = new()
    {
        Scenario = "realistic",
        Rate = 20,
        Duration = TimeSpan.FromSeconds(2),
        Warmup = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromSeconds(10),
        StreamShare = 0.3,
        Path = "/v1/chat/completions",
    };

    [Fact]
    public async Task RunAsync_LowRateAgainstFakeUpstream_CountsAddUpAndPercentilesAreOrdered()
    {
        await using var upstream = await FakeUpstream.StartAsync(TimeSpan.FromMilliseconds(2), TestContext.Current.CancellationToken);

        var result = await LoadRunner.RunAsync(s_smoke, upstream.Address, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("open", result.Model);
        Assert.InRange(result.Scheduled, 30, 50); // 20 req/s for 2 s, give or take a boundary
        Assert.Equal(result.Scheduled, result.Sent + result.DroppedByGenerator);
        Assert.Equal(result.Sent, result.Completed + result.Errors + result.Unfinished);
        Assert.Equal(result.Completed, result.StatusCodes.Values.Sum());
        Assert.Equal(result.Errors, result.ErrorKinds.Values.Sum());
        Assert.True(result.StatusCodes.TryGetValue("200", out var ok) && ok > 0);
        Assert.Equal(result.Completed, result.Latency.Count);
        Assert.Equal(result.Completed, result.Series.Sum(static s => s.Completed));
        var l = result.Latency;
        Assert.True(l.P50Ms > 0);
        Assert.True(l.P50Ms <= l.P75Ms && l.P75Ms <= l.P95Ms && l.P95Ms <= l.P99Ms && l.P99Ms <= l.P999Ms && l.P999Ms <= l.MaxMs);
        Assert.Null(result.TimeToFirstByte);
    }

    [Fact]
    public async Task RunAsync_StreamingScenario_TimesTheFirstByteOfEveryAnswer()
    {
        await using var upstream = await FakeUpstream.StartAsync(TimeSpan.FromMilliseconds(2), TestContext.Current.CancellationToken);
        var settings = s_smoke with { Scenario = "streaming", Duration = TimeSpan.FromSeconds(1), StreamShare = 0 };

        var result = await LoadRunner.RunAsync(settings, upstream.Address, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(result.Ok > 0);
        var ttfb = Assert.IsType<LatencySummary>(result.TimeToFirstByte);
        Assert.Equal(result.Completed, ttfb.Count);
        Assert.True(ttfb.P50Ms > 0 && ttfb.P50Ms <= ttfb.P95Ms && ttfb.P95Ms <= ttfb.P99Ms && ttfb.P99Ms <= ttfb.MaxMs);
        Assert.True(ttfb.MaxMs <= result.Latency.MaxMs);
        var markdown = ReportWriter.ToMarkdown(new RunReport { Scenario = "streaming", Results = [result with { Target = "upstream", Round = 1 }] });
        Assert.Contains("## Time to first byte", markdown, StringComparison.Ordinal);
        Assert.Contains("\"timeToFirstByte\"", ReportWriter.ToJson(new RunReport { Results = [result] }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClosedModel_CountsAddUp()
    {
        await using var upstream = await FakeUpstream.StartAsync(TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken);
        var settings = s_smoke with { Clients = 2, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromMilliseconds(200) };

        var result = await LoadRunner.RunAsync(settings, upstream.Address, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("closed", result.Model);
        Assert.True(result.Completed > 0);
        Assert.Equal(result.Sent, result.Completed + result.Errors + result.Unfinished);
        Assert.Equal(0, result.DroppedByGenerator);
    }

    [Fact]
    public void Write_Report_JsonAndMarkdownHoldTheExpectedMembers()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nethical-loadtests-" + Guid.NewGuid().ToString("N"));
        static RunResult Result(string target, double throughput, double p50, double p99) => new()
        {
            Target = target,
            Round = 1,
            Scenario = "tier1",
            Model = "open",
            Rate = 20,
            DurationSeconds = 2,
            Scheduled = 40,
            Sent = 40,
            Completed = 40,
            Ok = 40,
            Throughput = throughput,
            Latency = new LatencySummary { Count = 40, MeanMs = p50, P50Ms = p50, P75Ms = p50, P95Ms = p99, P99Ms = p99, P999Ms = p99, MaxMs = p99 },
            StatusCodes = new Dictionary<string, long> { ["200"] = 40 },
            Series = [new SecondSample(0, 20, p99), new SecondSample(1, 20, p99)],
        };
        RunResult[] results = [Result("yarp", 20, 1, 2), Result("gateway", 19, 1.5, 3)];
        try
        {
            ReportWriter.Write(folder, new RunReport { Scenario = "tier1", Results = results, Comparisons = Comparison.From(results) });

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
            var root = json.RootElement;
            Assert.Equal("tier1", root.GetProperty("scenario").GetString());
            Assert.Equal(RunReport.DefaultMachineNote, root.GetProperty("machine").GetString());
            Assert.Equal(2, root.GetProperty("results").GetArrayLength());
            var first = root.GetProperty("results")[0];
            foreach (var member in new[] { "target", "round", "throughput", "scheduled", "sent", "completed", "errors", "droppedByGenerator", "late", "statusCodes", "errorKinds", "series" })
            {
                Assert.True(first.TryGetProperty(member, out _), member);
            }

            foreach (var member in new[] { "p50Ms", "p75Ms", "p95Ms", "p99Ms", "p999Ms", "maxMs", "meanMs" })
            {
                Assert.True(first.GetProperty("latency").TryGetProperty(member, out _), member);
            }

            var comparison = root.GetProperty("comparisons")[0];
            Assert.Equal(0.95, comparison.GetProperty("throughputRatio").GetDouble(), 3);
            Assert.Equal(0.5, comparison.GetProperty("p50AddedMs").GetDouble(), 3);
            Assert.Equal(1.0, comparison.GetProperty("p99AddedMs").GetDouble(), 3);
            Assert.Contains("| gateway | 1 |", File.ReadAllText(Path.Combine(folder, "report.md")), StringComparison.Ordinal);
            Assert.Equal(2, root.GetProperty("charts").GetArrayLength());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
