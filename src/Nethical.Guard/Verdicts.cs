using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Nethical.Guard.ShadowAi;

namespace Nethical.Guard;

/// <summary>
/// The one table of verdict names: the <c>x-nethical-verdict</c> header, the guard API's <c>verdict</c>, the audit log,
/// the <c>nethical.verdict</c> metric tag and traces all speak these, for prompt screening and shadow AI alike. (What
/// shadow AI is told to do, its <c>action</c>, is the <see cref="ShadowAiAction"/> name: allow, flag, block.)
/// </summary>
public static class Verdicts
{
    public const string Allow = "allow";
    public const string Flagged = "flagged";
    public const string Blocked = "blocked";
    public const string Unscreened = "unscreened";
    public const string Refused = "refused";

    /// <summary>The verdict name of an outcome.</summary>
    public static string For(ScreeningOutcome outcome) => outcome switch
    {
        ScreeningOutcome.Allow => Allow,
        ScreeningOutcome.Flag => Flagged,
        ScreeningOutcome.Block => Blocked,
        ScreeningOutcome.Unscreened => Unscreened,
        ScreeningOutcome.RefusedUnscreenable or ScreeningOutcome.RefusedDegraded => Refused,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>The verdict name of a policy action on a score.</summary>
    public static string For(PolicyAction action) => action switch
    {
        PolicyAction.Allow => Allow,
        PolicyAction.Flag => Flagged,
        PolicyAction.Block => Blocked,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The verdict name of a shadow-AI action.</summary>
    public static string For(ShadowAiAction action) => action switch
    {
        ShadowAiAction.Allow => Allow,
        ShadowAiAction.Flag => Flagged,
        ShadowAiAction.Block => Blocked,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
