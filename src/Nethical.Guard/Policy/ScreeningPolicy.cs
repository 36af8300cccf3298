using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard.Policy;

/// <summary>What a policy does with a screened request.</summary>
public enum PolicyMode
{
    /// <summary>Block requests that score at or above <see cref="ScreeningPolicy.BlockThreshold"/>; tag the rest.</summary>
    Enforce,

    /// <summary>Screen and tag, never block.</summary>
    Monitor,

    /// <summary>Do not screen.</summary>
    Off,
}

/// <summary>What happens to a request that cannot be screened (malformed, wrong content type, unknown encoding).</summary>
public enum FailureMode
{
    /// <summary>Refuse it with a provider-shaped error.</summary>
    Closed,

    /// <summary>Let it through, tagged <c>unscreened</c>.</summary>
    Open,
}

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
}
