using System.Text.Json;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;
using Nethical.LoadTests.Scenarios;

namespace Nethical.LoadTests.Tests.Scenarios;

public sealed class WorkingSetSourceTests
{
    [Fact]
    public void Next_WorkingSetOfTwenty_TwentyDistinctValidBodiesThatRepeat()
    {
        var source = ScenarioCatalog.Get("cache").CreateSource(new LoadSettings { Scenario = "cache", WorkingSet = 20, Seed = 5 });

        var bodies = Enumerable.Range(0, 500).Select(_ => Convert.ToBase64String(source.Next())).ToList();

        Assert.Equal(20, bodies.Distinct().Count());
        foreach (var body in bodies.Distinct())
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(body));
            Assert.Equal("system", json.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        }
    }

    [Fact]
    public void ToMarkdown_CacheScenario_SaysTheWorkingSetSize()
    {
        var report = new RunReport { Scenario = "cache", Settings = new LoadSettings { Scenario = "cache", WorkingSet = 123 } };

        var markdown = ReportWriter.ToMarkdown(report);

        Assert.Contains("working set: 123 distinct bodies", markdown, StringComparison.Ordinal);
        Assert.Equal(123, JsonDocument.Parse(ReportWriter.ToJson(report)).RootElement.GetProperty("settings").GetProperty("workingSet").GetInt32());
    }
}
