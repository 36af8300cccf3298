using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard.Policy;

/// <summary>A named screening policy, referenced from route metadata.</summary>
public sealed class ScreeningPolicy
{
    /// <summary>Default score at or above which an enforcing policy blocks.</summary>
    public const double DefaultBlockThreshold = 0.5;

    /// <summary>Enforce, monitor or off. Defaults to <see cref="PolicyMode.Enforce"/>.</summary>
    public PolicyMode Mode { get; set; } = PolicyMode.Enforce;

    /// <summary>Score in [0, 1] at or above which a request is an attack.</summary>
    [Range(0.0, 1.0)]
    public double BlockThreshold { get; set; } = DefaultBlockThreshold;

    /// <summary>Fail closed (refuse) or open (pass, tagged unscreened) when a request cannot be screened.</summary>
    public FailureMode OnUnscreenable { get; set; } = FailureMode.Closed;

    /// <summary>Which segments go to tier 2 (the encoder model): <c>Uncertain</c> (default), <c>All</c> or <c>Off</c>.</summary>
    public Tier2Mode Tier2 { get; set; } = Tier2Mode.Uncertain;

    /// <summary>
    /// Tier 2's latency budget: past it, the request gets the tier-1 verdict marked degraded, and
    /// <see cref="OnUnscreenable"/> decides.
    /// </summary>
    public TimeSpan Tier2Budget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A tier-1 score at or above this decides alone.</summary>
    [Range(0.0, 1.0)]
    public double Tier1Confident { get; set; } = 0.9;

    /// <summary>A tier-1 score at or above this (below <see cref="Tier1Confident"/>) sends the request to tier 2.</summary>
    [Range(0.0, 1.0)]
    public double Tier1Uncertain { get; set; } = 0.15;
}
