namespace Nethical.Guard.Screening;

/// <summary>What the policy decided about a screened request. <see cref="Verdicts"/> names each one.</summary>
public enum ScreeningOutcome
{
    /// <summary>Below the block threshold (or screening is off): forward.</summary>
    Allow,

    /// <summary>At or above the block threshold under a monitoring policy: forward, tagged.</summary>
    Flag,

    /// <summary>At or above the block threshold under an enforcing policy: answer with an error, do not forward.</summary>
    Block,

    /// <summary>It could not be screened and the policy fails open: forward, tagged <c>unscreened</c>.</summary>
    Unscreened,

    /// <summary>It could not be screened and the policy fails closed: refuse it.</summary>
    RefusedUnscreenable,

    /// <summary>Tier 2 was needed and did not answer in the budget, and the policy fails closed: refuse it, retryably.</summary>
    RefusedDegraded,
}
