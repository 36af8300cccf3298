using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard.Tier2;

/// <summary>How many tier-2 scores <see cref="VerdictCache"/> keeps, and for how long.</summary>
internal sealed class VerdictCacheOptions : IValidatableObject
{
    /// <summary>The most scores kept (default 10,000); each is counted as one, whatever its text's length.</summary>
    [Range(1, 100_000_000)]
    public int SizeLimit { get; set; } = 10_000;

    /// <summary>
    /// The share of <see cref="SizeLimit"/> freed, least recently used first, when a score arrives at a full cache
    /// (default 0.05).
    /// </summary>
    [Range(0.01, 1.0)]
    public double CompactionPercentage { get; set; } = 0.05;

    /// <summary>How long a score is kept (default 1 hour); null keeps it until the size limit pushes it out.</summary>
    public TimeSpan? Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether <see cref="Expiration"/> restarts at each hit (sliding) rather than counting from when the score was
    /// stored (absolute, the default).
    /// </summary>
    public bool SlidingExpiration { get; set; }

    /// <inheritdoc />
    // A TimeSpan [Range] needs reflection that trimming can break, so Expiration is checked here.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Expiration is { } expiration && expiration <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(Expiration)} must be positive, or unset for none.", [nameof(Expiration)]);
        }
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SizeLimit, 1, nameof(SizeLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(CompactionPercentage, 0.01, nameof(CompactionPercentage));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompactionPercentage, 1.0, nameof(CompactionPercentage));
        if (Expiration is { } expiration)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiration, TimeSpan.Zero, nameof(Expiration));
        }
    }
}
