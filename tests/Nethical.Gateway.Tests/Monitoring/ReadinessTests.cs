using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nethical.Gateway.Tests.Infrastructure;

namespace Nethical.Gateway.Tests.Monitoring;

/// <summary>Readiness on a real gateway whose latency alerts every request crosses.</summary>
public sealed class ReadinessTests(AlertingGatewayFixture gateway) : IClassFixture<AlertingGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetReady_AfterRequestsOverTheThresholds_DegradedWithTheReasonAndOneWarningPerAlert()
    {
        using (var response = await gateway.Client.PostAsync("/openai/v1/chat/completions",
            new StringContent("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        string body = "";
        await Eventually.UntilAsync(async () =>
        {
            using var ready = await gateway.Client.GetAsync("/healthz/ready", Ct);
            body = await ready.Content.ReadAsStringAsync(Ct);
            return ready.StatusCode == HttpStatusCode.OK && body.Contains("\"degraded\"", StringComparison.Ordinal);
        }, "readiness to turn degraded");
        // Several evaluations later, each alert has still been logged once.
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);

        using var document = JsonDocument.Parse(body);
        var reasons = document.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reasons, r => r.Contains("screening p95", StringComparison.Ordinal));
        var warnings = gateway.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Alert ", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings, r => r.Message.Contains("latency_p95", StringComparison.Ordinal));
        Assert.Single(warnings, r => r.Message.Contains("latency_average", StringComparison.Ordinal));
    }
}
