using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nethical.Gateway.Hosting;
using Nethical.Guard;
using Nethical.Guard.Monitoring;

namespace Nethical.Gateway.Monitoring;

/// <summary>
/// The guard seen while it runs: <c>GET /v1/guard/metrics</c> (the live statistics), <c>/healthz/ready</c> (degraded
/// while an alert is active) and the alerts behind it (<see cref="AlertOptions"/>).
/// </summary>
public static class MonitoringExtensions
{
    public const string MetricsPath = "/v1/guard/metrics";
    public const string ReadinessPath = "/healthz/ready";

    /// <summary>Adds the live statistics, the alert monitor and the readiness check. Calling it twice is harmless.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ServiceChecks.TryAddOnce<MonitoringMarker>(services))
        {
            return services;
        }
        services.AddNethicalGuard();
        services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<LastValidOptions<AlertOptions>>();
        services.TryAddSingleton<AlertMonitor>();
        services.AddHostedService(static sp => sp.GetRequiredService<AlertMonitor>());
        services.AddHealthChecks().AddCheck<ReadinessCheck>("screening", tags: ["ready"]);
        return services;
    }

    /// <summary>Maps <c>GET /v1/guard/metrics</c> and <c>/healthz/ready</c>.</summary>
    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ServiceChecks.VerifyRegistered<MonitoringMarker>(endpoints.ServiceProvider, "AddMonitoring");
        endpoints.MapGet(MetricsPath, WriteMetricsAsync);
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadinessAsync,
        });
        return endpoints;
    }

    private static async Task WriteMetricsAsync(HttpContext context, GuardStatistics statistics, AlertMonitor monitor)
    {
        var snapshot = statistics.Snapshot();
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("windowSeconds", snapshot.Window.TotalSeconds);
            writer.WriteStartObject("latencyMs");
            foreach (var (name, latency) in snapshot.Latency)
            {
                writer.WriteStartObject(name);
                writer.WriteNumber("count", latency.Count);
                writer.WriteNumber("avg", Math.Round(latency.Average, 3));
                writer.WriteNumber("p50", Math.Round(latency.P50, 3));
                writer.WriteNumber("p95", Math.Round(latency.P95, 3));
                writer.WriteNumber("p99", Math.Round(latency.P99, 3));
                writer.WriteNumber("max", Math.Round(latency.Max, 3));
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteNumber("screened", snapshot.Screened);
            writer.WriteNumber("sentToTier2", snapshot.SentToTier2);
            writer.WriteNumber("tier2Share", Math.Round(snapshot.Tier2Share, 4));
            writer.WriteNumber("cacheHitRate", Math.Round(snapshot.CacheHitRate, 4));
            writer.WriteNumber("cacheLookups", snapshot.CacheHits + snapshot.CacheMisses);
            writer.WriteNumber("segmentRecallRate", Math.Round(snapshot.SegmentRecallRate, 4));
            writer.WriteNumber("batches", snapshot.Batches);
            writer.WriteNumber("averageBatchTexts", Math.Round(snapshot.AverageBatchTexts, 2));
            writer.WriteNumber("shed", snapshot.Shed);
            writer.WriteStartObject("degraded");
            foreach (var (cause, count) in snapshot.Degraded)
            {
                writer.WriteNumber(cause, count);
            }
            writer.WriteEndObject();
            if (snapshot.Tier2 is { } tier2)
            {
                writer.WriteStartObject("tier2");
                writer.WriteString("breaker", tier2.BreakerState);
                writer.WriteNumber("queueDepth", tier2.QueueDepth);
                writer.WriteNumber("backlogMs", Math.Round(tier2.BacklogMilliseconds, 3));
                writer.WriteNumber("costPerWindowMs", Math.Round(tier2.CostPerWindowMilliseconds, 3));
                writer.WriteBoolean("stalled", tier2.Stalled);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("tier2");
            }
            writer.WriteStartArray("alerts");
            foreach (var alert in monitor.Active)
            {
                writer.WriteStartObject();
                writer.WriteString("name", alert.Name);
                writer.WriteString("reason", alert.Reason);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var status = report.Status switch
        {
            HealthStatus.Healthy => "ready",
            HealthStatus.Degraded => "degraded",
            _ => "unhealthy",
        };
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", status);
            writer.WriteStartArray("reasons");
            foreach (var entry in report.Entries.Values)
            {
                if (entry.Status != HealthStatus.Healthy && entry.Description is { } description)
                {
                    writer.WriteStringValue(description);
                }
            }
            writer.WriteEndArray();
            writer.WriteNumber("checkMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
            writer.WriteEndObject();
        }
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>Proves that <see cref="AddMonitoring"/> ran.</summary>
    internal sealed class MonitoringMarker;
}
