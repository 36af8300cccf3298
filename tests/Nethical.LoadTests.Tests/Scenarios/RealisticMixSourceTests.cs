using System.Text;
using System.Text.Json;
using Nethical.LoadTests.Scenarios;

namespace Nethical.LoadTests.Tests.Scenarios;

public sealed class RealisticMixSourceTests
{
    [Fact]
    public void Next_ThousandBodies_DistinctValidChatsWithTheMixShares()
    {
        var source = new RealisticMixSource(seed: 7, streamShare: 0);
        var bodies = Enumerable.Range(0, 1000).Select(_ => source.Next()).ToList();

        Assert.Equal(bodies.Count, bodies.Select(static b => Convert.ToBase64String(b)).Distinct().Count());
        var tools = 0;
        var attacks = 0;
        foreach (var body in bodies)
        {
            using var json = JsonDocument.Parse(body);
            var messages = json.RootElement.GetProperty("messages");
            Assert.Equal("system", messages[0].GetProperty("role").GetString());
            Assert.InRange(body.Length, 150, 34_000);
            tools += json.RootElement.TryGetProperty("tools", out _) ? 1 : 0;
            attacks += Encoding.UTF8.GetString(body).Contains("previous instructions", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.InRange(tools, 50, 150);
        Assert.InRange(attacks, 3, 40);
    }

    [Fact]
    public void Next_SameSeed_SameBodies()
    {
        var a = new RealisticMixSource(3, 0.5);
        var b = new RealisticMixSource(3, 0.5);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(a.Next(), b.Next());
        }
    }
}
