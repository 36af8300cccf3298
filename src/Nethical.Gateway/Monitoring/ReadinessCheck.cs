using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nethical.Gateway.Monitoring;

/// <summary><c>/healthz/ready</c>: healthy, or degraded with the active alerts as the reason.</summary>
internal sealed class ReadinessCheck(AlertMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var alerts = monitor.Active;
        if (alerts.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("screening within its alert thresholds"));
        }
        var data = alerts.ToDictionary(a => a.Name, a => (object)a.Reason, StringComparer.Ordinal);
        return Task.FromResult(HealthCheckResult.Degraded(string.Join("; ", alerts.Select(a => a.Reason)), data: data));
    }
}
