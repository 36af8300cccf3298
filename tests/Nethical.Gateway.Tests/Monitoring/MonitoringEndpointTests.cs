using System.Net;
using System.Text;
using System.Text.Json;
using Nethical.Gateway.Tests.Infrastructure;

namespace Nethical.Gateway.Tests.Monitoring;

/// <summary>The live statistics, readiness and the Prometheus scrape endpoint on a real gateway with tier 2 loaded.</summary>
public sealed class MonitoringEndpointTests(Tier2GatewayFixture gateway) : IClassFixture<Tier2GatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Chat(string prompt)
        => new("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":" + JsonSerializer.Serialize(prompt) + "},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":" + JsonSerializer.Serialize($"Order {Guid.NewGuid():N}: 2 x blue ceramic mug, 1 x tea towel; shipped 3 March from the Leeds warehouse; delivered.") + "}]}", Encoding.UTF8, "application/json");

    [Fact]
    public async Task GetMetrics_AfterScreenedRequests_PerStageLatencyAndTier2State()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.PostAsync("/openai/v1/chat/completions", Chat("hi"), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        }

        using var metrics = await gateway.Client.GetAsync("/v1/guard/metrics", Ct);
        var json = await metrics.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("application/json", metrics.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(60, root.GetProperty("windowSeconds").GetDouble());
        var latency = root.GetProperty("latencyMs");
        foreach (var stage in new[] { "screening", "extraction", "normalization", "prompt_injection.tier1", "gate", "prompt_injection.tier2", "tier2.inference" })
        {
            var entry = latency.GetProperty(stage);
            Assert.True(entry.GetProperty("count").GetInt64() >= 1, $"{stage}: {json}");
            foreach (var field in new[] { "avg", "p50", "p95", "p99", "max" })
            {
                Assert.True(entry.GetProperty(field).GetDouble() >= 0, $"{stage}.{field}: {json}");
            }
        }
        // Every request carried a tool result, which always goes to tier 2.
        Assert.True(root.GetProperty("screened").GetInt64() >= 3, json);
        Assert.True(root.GetProperty("sentToTier2").GetInt64() >= 3, json);
        Assert.InRange(root.GetProperty("tier2Share").GetDouble(), 0.0001, 1);
        Assert.True(root.GetProperty("cacheLookups").GetInt64() >= 3, json);
        Assert.True(root.GetProperty("batches").GetInt64() >= 1, json);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("shed").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("degraded").ValueKind);
        var tier2 = root.GetProperty("tier2");
        Assert.Equal("closed", tier2.GetProperty("breaker").GetString());
        Assert.True(tier2.GetProperty("costPerWindowMs").GetDouble() > 0, json);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("alerts").ValueKind);
    }

    [Fact]
    public async Task GetReady_NoAlerts_Ready()
    {
        using var response = await gateway.Client.GetAsync("/healthz/ready", Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", document.RootElement.GetProperty("status").GetString());
        Assert.Empty(document.RootElement.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task GetPrometheusMetrics_AfterARequest_GatewayInstrumentsInTextFormat()
    {
        using (var response = await gateway.Client.PostAsync("/openai/v1/chat/completions", Chat("hi"), Ct))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        }

        // The exporter caches its scrape for a moment: poll until the gateway's own instruments appear.
        string text = "";
        await Eventually.UntilAsync(async () =>
        {
            using var scrape = await gateway.Client.GetAsync("/metrics", Ct);
            text = await scrape.Content.ReadAsStringAsync(Ct);
            return scrape.StatusCode == HttpStatusCode.OK && text.Contains("nethical_tier2_batch_size", StringComparison.Ordinal);
        }, "the scrape to show the tier-2 batch histogram");

        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }
}
