using Nethical.Guard;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Screening;

/// <summary>
/// What <see cref="IPromptScreener.ScreenAsync"/> decided, with its evidence. A host maps it to its protocol (a status,
/// a provider-shaped error, tags); it decides nothing itself.
/// </summary>
public sealed class ScreeningDecision
{
    /// <summary>The reason code of a request refused because tier 2 did not answer in the budget.</summary>
    public const string DegradedCode = "screening_degraded";

    private ScreeningDecision(ScreeningOutcome outcome, ScreeningResult? result, string? code, string? message)
    {
        Outcome = outcome;
        Result = result;
        Code = code;
        Message = message;
    }

    /// <summary>What the policy decided.</summary>
    public ScreeningOutcome Outcome { get; }

    /// <summary>The verdict name (<see cref="Verdicts"/>).</summary>
    public string Verdict => Verdicts.For(Outcome);

    /// <summary>The evidence: scores, reasons, each detector's verdict. Null when the request could not be screened.</summary>
    public ScreeningResult? Result { get; }

    /// <summary>
    /// For <see cref="ScreeningOutcome.Unscreened"/>, <see cref="ScreeningOutcome.RefusedUnscreenable"/> and
    /// <see cref="ScreeningOutcome.RefusedDegraded"/>: a reason code (<c>invalid_json</c>, <c>invalid_utf8</c>,
    /// <c>json_too_deep</c>, <c>unexpected_request_shape</c>, <see cref="DegradedCode"/>); null otherwise.
    /// </summary>
    public string? Code { get; }

    /// <summary>For a request that could not be screened: why, safe to show a client (it never quotes the body).</summary>
    public string? Message { get; }

    /// <summary>Whether the request goes on to the upstream (allowed, flagged, or passed unscreened).</summary>
    public bool Forwards => Outcome is ScreeningOutcome.Allow or ScreeningOutcome.Flag or ScreeningOutcome.Unscreened;

    /// <summary>The score (0 when the request could not be screened).</summary>
    public double Score => Result?.Score ?? 0;

    internal static ScreeningDecision Screened(ScreeningOutcome outcome, ScreeningResult result)
        => new(outcome, result, outcome == ScreeningOutcome.RefusedDegraded ? DegradedCode : null, null);

    internal static ScreeningDecision NotScreened(bool failOpen, PromptExtractionException error)
        => new(failOpen ? ScreeningOutcome.Unscreened : ScreeningOutcome.RefusedUnscreenable, null, CodeOf(error.Error), error.Message);

    /// <summary>The reason code of an extraction error.</summary>
    public static string CodeOf(ExtractionError error) => error switch
    {
        ExtractionError.InvalidUtf8 => "invalid_utf8",
        ExtractionError.TooDeep => "json_too_deep",
        ExtractionError.UnexpectedShape => "unexpected_request_shape",
        _ => "invalid_json",
    };
}
