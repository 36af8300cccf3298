using System.ComponentModel.DataAnnotations;

namespace Nethical.Gateway.Monitoring;

/// <summary>
/// Latency alerts over the guard's live statistics (section <c>Monitoring:Alerts</c>, reloaded live): when the
/// screening stage's p95 or average crosses its threshold, <c>/healthz/ready</c> turns degraded with the reason and a
/// warning is logged once per crossing (and an information line when it clears).
/// </summary>
public sealed class AlertOptions
{
    public const string SectionName = "Monitoring:Alerts";

    /// <summary>Evaluate the alerts. Off: readiness reflects only tier 2's breaker.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The stage or detector the thresholds apply to (<c>screening</c>: a request's whole guard time).</summary>
    [Required]
    public string Stage { get; set; } = Guard.Monitoring.GuardStatistics.Screening;

    /// <summary>p95 above this, in the statistics window, raises the alert (the seed's 100 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan P95 { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>An average above this raises the alert (the seed's 50 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Average { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Fewer requests than this in the window never raise an alert (a single slow request is not a trend).</summary>
    [Range(1, int.MaxValue)]
    public int MinimumCount { get; set; } = 20;

    /// <summary>How often the alerts are evaluated. Read at start-up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}
