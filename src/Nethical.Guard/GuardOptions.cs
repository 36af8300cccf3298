using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard;

/// <summary>The engine's own settings, bound from the <c>Screening</c> section (tier 2's from <c>Screening:Tier2</c>, <see cref="Tier2.Tier2Options"/>).</summary>
public sealed class GuardOptions
{
    /// <summary>The configuration section the engine binds.</summary>
    public const string SectionName = "Screening";

    /// <summary>Deepest JSON nesting screened (default 64). Deeper bodies cannot be screened. Read at start-up.</summary>
    [Range(1, 1000)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Characters of repeated segment text remembered with their normalised text, tier-1 matches and student score
    /// (a system prompt, a chat's history), counting each segment's text and its normalised copy; 0 turns the memo off.
    /// Default 8 million (some 16 MB of UTF-16). Read at start-up.
    /// </summary>
    [Range(0, 1L << 30)]
    public long SegmentMemoCharacters { get; set; } = 8_000_000;

    /// <summary>The sliding window of the live statistics (<see cref="Monitoring.GuardStatistics"/>). Read at start-up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StatisticsWindow { get; set; } = TimeSpan.FromSeconds(60);
}
