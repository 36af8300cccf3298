using System.Globalization;
using Nethical.Guard.Screening;

namespace Nethical.Gateway.Http;

/// <summary>
/// A refusal as HTTP speaks it: status, reason code and a message safe to show the client. The one table from what went
/// wrong (a body that could not be captured, a screening decision) to what the client is told, for the reverse proxy,
/// the guard API and egress alike.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Code">The reason code (provider error <c>code</c>, <c>x-nethical-reasons</c>, the audit log).</param>
/// <param name="Message">For the client; never quotes the body.</param>
/// <param name="FailOpenAllowed">
/// Whether a policy that fails open may pass the request unscreened instead. Size and time limits, upgrades and unread
/// bodies hold under every policy: letting them through would make length, time or the protocol a bypass.
/// </param>
internal readonly record struct HttpRefusal(int Status, string Code, string Message, bool FailOpenAllowed)
{
    public const string UnsupportedContentTypeCode = "unsupported_content_type";

    /// <summary>A body that is not JSON in UTF-8.</summary>
    public static readonly HttpRefusal UnsupportedContentType = new(StatusCodes.Status415UnsupportedMediaType, UnsupportedContentTypeCode,
        "Nethical Gateway screens JSON request bodies in UTF-8 only (Content-Type: application/json).", FailOpenAllowed: true);

    /// <summary>A WebSocket or other upgrade on a screened route: what flows over it is never seen.</summary>
    public static readonly HttpRefusal Upgrade = new(StatusCodes.Status400BadRequest, "upgrade_not_screened",
        "Nethical Gateway does not screen WebSocket or other upgraded connections on this route.", FailOpenAllowed: false);

    /// <summary>A request the guard APIs cannot use, with its code and a message safe to return.</summary>
    public static HttpRefusal BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message, FailOpenAllowed: false);

    /// <summary>The server's own limits (minimum data rate, maximum body size) ended the read.</summary>
    public static HttpRefusal UnreadableBody(int status) => new(status, "bad_request_body", "The request body could not be read.", FailOpenAllowed: false);

    /// <summary>Why a body could not be captured, as HTTP says it.</summary>
    public static HttpRefusal For(CaptureFailure failure) => failure switch
    {
        CaptureFailure.TooLarge => new(StatusCodes.Status413PayloadTooLarge, "request_too_large", "The request body is larger than Nethical Gateway screens.", false),
        CaptureFailure.DecodedTooLarge => new(StatusCodes.Status413PayloadTooLarge, "decoded_body_too_large", "The request body decompresses to more than Nethical Gateway screens.", false),
        CaptureFailure.Timeout => new(StatusCodes.Status408RequestTimeout, "request_timeout", "The request body took too long to arrive.", false),
        CaptureFailure.UnsupportedEncoding => new(StatusCodes.Status415UnsupportedMediaType, "unsupported_content_encoding", "Nethical Gateway accepts request bodies with Content-Encoding gzip, br, deflate or none.", true),
        CaptureFailure.CorruptEncoding => new(StatusCodes.Status400BadRequest, "invalid_content_encoding", "The request body does not decode with its Content-Encoding.", true),
        _ => throw new ArgumentOutOfRangeException(nameof(failure)),
    };

    /// <summary>
    /// A decision that does not forward, as HTTP says it: a block is <c>400 prompt_injection_detected</c> (with the
    /// score and rule ids when <paramref name="exposeReasons"/>), a body that could not be screened <c>400</c> with its
    /// code, a degraded tier 2 under a fail-closed policy a retryable <c>503 screening_degraded</c>.
    /// </summary>
    public static HttpRefusal For(ScreeningDecision decision, bool exposeReasons)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Outcome switch
        {
            ScreeningOutcome.Block => new(StatusCodes.Status400BadRequest, ProviderErrorWriter.PromptInjectionCode, exposeReasons
                ? string.Create(CultureInfo.InvariantCulture, $"Request blocked by Nethical Gateway: possible prompt injection (score {decision.Score:F2}; rules: {JoinReasons(decision.Result!.Reasons)}).")
                : "Request blocked by Nethical Gateway: possible prompt injection.", false),
            ScreeningOutcome.RefusedDegraded => new(StatusCodes.Status503ServiceUnavailable, ScreeningDecision.DegradedCode,
                "Nethical Gateway could not complete screening in time; retry shortly.", false),
            ScreeningOutcome.RefusedUnscreenable or ScreeningOutcome.Unscreened => new(StatusCodes.Status400BadRequest, decision.Code!,
                "Nethical Gateway could not screen this request: " + decision.Message, true),
            _ => throw new ArgumentOutOfRangeException(nameof(decision), decision.Outcome, "The decision forwards the request."),
        };
    }

    /// <summary>Rule ids as one header value.</summary>
    public static string JoinReasons(IReadOnlyList<string> reasons) => reasons.Count switch
    {
        0 => string.Empty,
        1 => reasons[0],
        _ => string.Join(',', reasons),
    };
}
