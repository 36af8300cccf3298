using Nethical.Guard.Policy;

namespace Nethical.Guard.Screening;

/// <summary>The gate's thresholds, per policy.</summary>
/// <param name="Tier1Confident">A tier-1 score at or above this decides alone: tier 2 is skipped.</param>
/// <param name="Tier1Uncertain">A tier-1 score at or above this (and below confident) sends the request's segments to tier 2.</param>
/// <param name="StudentPassBelow">A user, system or assistant segment whose student probability is below this, with no tier-1 signal, skips tier 2. Null: no student, nothing skips.</param>
internal readonly record struct GateThresholds(double Tier1Confident, double Tier1Uncertain, double? StudentPassBelow)
{
    /// <summary>
    /// A policy's thresholds. Tier 1 decides alone only when it also blocks: a "confident" score below the block
    /// threshold must not skip tier 2.
    /// </summary>
    public static GateThresholds For(ScreeningPolicy policy, double? studentPassBelow)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new GateThresholds(Math.Max(policy.Tier1Confident, policy.BlockThreshold), policy.Tier1Uncertain, studentPassBelow);
    }
}
