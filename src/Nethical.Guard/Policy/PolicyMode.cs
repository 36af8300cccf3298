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
