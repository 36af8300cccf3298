namespace Nethical.Guard.Policy;

/// <summary>Which segments tier 2 sees.</summary>
public enum Tier2Mode
{
    /// <summary>Tier 1 alone.</summary>
    Off,

    /// <summary>Only what tier 1 and the student cannot decide, and every tool or document segment (the default).</summary>
    Uncertain,

    /// <summary>Every segment (highest recall, highest cost).</summary>
    All,
}
