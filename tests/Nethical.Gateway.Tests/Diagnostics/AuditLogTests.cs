using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;

namespace Nethical.Gateway.Tests.Diagnostics;

public sealed class AuditLogTests
{
    private static readonly AuditRecord s_record = new(
        new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), "openai", "127.0.0.1", "blocked", 0.91,
        "pi.override.ignore_all,pi.extract.system_prompt", "0123456789abcdef", 98, 0.042, null);

    private static (AuditLog Log, ServiceProvider Services) Create(AuditOptions options)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return (new AuditLog(Options.Create(options), NullLoggerFactory.Instance, services.GetRequiredService<IMeterFactory>(), TimeProvider.System), services);
    }

    [Fact]
    public async Task Record_WithFilePath_AppendsOneJsonLinePerRecord()
    {
        var path = Path.Combine(Path.GetTempPath(), "nethical-audit-" + Guid.NewGuid().ToString("N"), "audit.jsonl");
        var (log, services) = Create(new AuditOptions { FilePath = path });
        using (services)
        {
            await log.StartAsync(TestContext.Current.CancellationToken);
            log.Record(s_record);
            log.Record(s_record with { Verdict = "allow", Score = 0, Reasons = null });

            var lines = Array.Empty<string>();
            await Eventually.UntilAsync(
                async () =>
                {
                    // The log creates its directory and file in the background.
                    if (!File.Exists(path))
                    {
                        return false;
                    }

                    using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
                    using var reader = new StreamReader(stream);
                    lines = (await reader.ReadToEndAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    return lines.Length >= 2;
                },
                "both records to be written",
                interval: TimeSpan.FromMilliseconds(50));

            await log.StopAsync(CancellationToken.None);

            Assert.Equal(2, lines.Length);
            using var first = JsonDocument.Parse(lines[0]);
            Assert.Equal("blocked", first.RootElement.GetProperty("verdict").GetString());
            Assert.Equal(["pi.override.ignore_all", "pi.extract.system_prompt"], first.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal("0123456789abcdef", first.RootElement.GetProperty("bodySha256").GetString());
            Assert.Equal("2026-11-27T06:00:00+00:00", first.RootElement.GetProperty("time").GetString());
            using var second = JsonDocument.Parse(lines[1]);
            Assert.Empty(second.RootElement.GetProperty("reasons").EnumerateArray());
        }

        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void Record_QueueFull_DropsAndCounts()
    {
        var (log, services) = Create(new AuditOptions { QueueCapacity = 1 });
        using (services)
        {
            using var dropped = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), GatewayDiagnostics.MeterName, "nethical.audit.dropped");

            // Not started: nothing drains the queue.
            log.Record(s_record);
            log.Record(s_record);
            log.Record(s_record);

            Assert.Equal(2, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        }
    }

    [Fact]
    public void Record_Disabled_WritesNothing()
    {
        var (log, services) = Create(new AuditOptions { Enabled = false, QueueCapacity = 1 });
        using (services)
        {
            using var dropped = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), GatewayDiagnostics.MeterName, "nethical.audit.dropped");

            log.Record(s_record);
            log.Record(s_record);

            Assert.False(log.Enabled);
            Assert.Empty(dropped.GetMeasurementSnapshot());
        }
    }
}
