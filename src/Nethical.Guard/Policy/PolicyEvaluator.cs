namespace Nethical.Guard.Policy;

/// <summary>Applies a <see cref="ScreeningPolicy"/> to a score.</summary>
public static class PolicyEvaluator
{
    public static PolicyAction Decide(ScreeningPolicy policy, double score)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Mode == PolicyMode.Off || score < policy.BlockThreshold)
        {
            return PolicyAction.Allow;
        }

        return policy.Mode == PolicyMode.Enforce ? PolicyAction.Block : PolicyAction.Flag;
    }

    /// <summary>
    /// Whether the policy refuses what it could not fully screen (a degraded tier 2, a body too large to read):
    /// enforcing and failing closed. A monitoring policy never refuses.
    /// </summary>
    public static bool RefusesUnscreened(ScreeningPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Mode == PolicyMode.Enforce && policy.OnUnscreenable == FailureMode.Closed;
    }
}
