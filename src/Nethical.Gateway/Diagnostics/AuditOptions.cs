namespace Nethical.Gateway.Diagnostics;

/// <summary>Options for the audit log of screening decisions, bound from the <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Write an audit record for every screening decision (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A file to append JSON lines to. When unset, each record is logged as one JSON line under the
    /// <c>Nethical.Audit</c> category, for the host's log pipeline to ship.
    /// </summary>
    public string? FilePath { get; set; }

    /// <summary>Records waiting to be written; when full, new records are dropped and counted (default 10,000).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;
}
