namespace Nethical.Guard.Policy;

/// <summary>The outcome of a policy decision.</summary>
public enum PolicyAction
{
    /// <summary>Forward, tagged <c>allow</c>.</summary>
    Allow,

    /// <summary>Forward, tagged <c>flagged</c>: it scored as an attack but the policy only monitors.</summary>
    Flag,

    /// <summary>Answer with a provider-shaped error; do not forward.</summary>
    Block,
}
