using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard.Tier2;

/// <summary>How a <see cref="DynamicBatcher{TItem, TResult}"/> groups items into batches.</summary>
internal sealed class DynamicBatcherOptions : IValidatableObject
{
    private static readonly TimeSpan s_maxMaxWait = TimeSpan.FromSeconds(10);

    /// <summary>The most items one batch holds (default 32).</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long a batch waits for more items, counted from when its first item left the queue (default 5 ms, at most
    /// 10 s). Zero runs whatever is queued at once.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Items that may wait for a batch; when full, new items are refused at once (default 256).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <inheritdoc />
    // A TimeSpan [Range] needs reflection that trimming can break, so MaxWait is checked here.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxWait < TimeSpan.Zero || MaxWait > s_maxMaxWait)
        {
            yield return new ValidationResult($"{nameof(MaxWait)} must be between 0 and {s_maxMaxWait}.", [nameof(MaxWait)]);
        }
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBatchSize, 4096, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero, nameof(MaxWait));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxWait, s_maxMaxWait, nameof(MaxWait));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(QueueCapacity, 1_000_000, nameof(QueueCapacity));
    }
}
