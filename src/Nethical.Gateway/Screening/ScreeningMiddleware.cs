using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Guard;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Yarp.ReverseProxy.Model;

namespace Nethical.Gateway.Screening;

/// <summary>
/// A YARP pipeline step: reads the request body, screens the prompt in it, and blocks, tags or passes the request
/// according to the route's policy. The original bytes are replayed to the upstream unchanged.
/// </summary>
internal sealed class ScreeningMiddleware
{
    private const string UnsupportedContentTypeMessage = "Nethical Gateway screens JSON request bodies in UTF-8 only (Content-Type: application/json).";

    private readonly RequestDelegate _next;
    private readonly PromptScreener _screener;
    private readonly IOptionsMonitor<ScreeningOptions> _options;
    private readonly ScreeningMetrics _metrics;
    private readonly ILogger _logger;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private ScreeningOptions _lastValidOptions;
    private string? _lastInvalidMessage;

    public ScreeningMiddleware(
        RequestDelegate next,
        PromptScreener screener,
        IOptionsMonitor<ScreeningOptions> options,
        ScreeningMetrics metrics,
        ILogger<ScreeningMiddleware> logger,
        AuditLog audit,
        TimeProvider time)
    {
        _audit = audit;
        _time = time;
        _next = next;
        _screener = screener;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _lastValidOptions = options.CurrentValue;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Before anything else, on every route: only the gateway speaks x-nethical-*.
        ScreeningTags.RemoveForged(context.Request.Headers);

        var settings = RouteScreeningSettings.For(context.GetReverseProxyFeature().Route.Config);
        var options = CurrentOptions();
        var policy = ResolvePolicy(options, settings);
        if (policy.Mode == PolicyMode.Off)
        {
            return _next(context);
        }

        if (IsUpgrade(context))
        {
            // What flows over a WebSocket (realtime and live APIs) is never seen here: refuse rather than wave it through.
            return RefuseAsync(context, settings, policy, options, StatusCodes.Status400BadRequest, "upgrade_not_screened",
                "Nethical Gateway does not screen WebSocket or other upgraded connections on this route.", failOpenAllowed: false);
        }

        if (!HasBody(context.Request))
        {
            // Nothing the model could read: pass, tagged as screened and clean.
            var clean = new ScreeningTags(PolicyAction.Allow.ToVerdict(), 0, null, TimeSpan.Zero, options.ExposeReasonsToClients);
            Audit(context, settings, clean, body: null);
            Tag(context, clean);
            return _next(context);
        }

        if (policy.OnUnscreenable == FailureMode.Closed && !CapturedBody.IsJson(context.Request.ContentType))
        {
            return RefuseAsync(context, settings, policy, options, StatusCodes.Status415UnsupportedMediaType, "unsupported_content_type",
                UnsupportedContentTypeMessage, failOpenAllowed: false);
        }

        return InvokeCore(context, settings, policy, options);
    }

    private async Task InvokeCore(HttpContext context, RouteScreeningSettings settings, ScreeningPolicy policy, ScreeningOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var activity = GatewayDiagnostics.ActivitySource.StartActivity("nethical.screening");
        activity?.SetTag("nethical.route", settings.RouteId);
        try
        {
            CapturedBody body;
            try
            {
                body = await CapturedBody.CaptureAsync(context.Request, options, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is IOException or OperationCanceledException or BadHttpRequestException)
            {
                // The client went away: there is no one to answer.
                return;
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel's own limits (minimum data rate, maximum body size) ended the read.
                await RefuseAsync(context, settings, policy, options, ex.StatusCode, "bad_request_body", "The request body could not be read.", failOpenAllowed: false).ConfigureAwait(false);
                return;
            }

            context.Response.RegisterForDispose(body);
            context.Request.Body = body.CreateReplayStream();

            // Under a fail-open policy, a body that claims another content type or an encoding we cannot undo is still
            // screened as it stands when it parses as JSON: many servers ignore those headers and read the JSON anyway.
            var contentTypeOk = CapturedBody.IsJson(context.Request.ContentType);
            if (body.Failure != CaptureFailure.None || !contentTypeOk)
            {
                var (status, code, message, failOpenAllowed) = body.Failure == CaptureFailure.None
                    ? (StatusCodes.Status415UnsupportedMediaType, "unsupported_content_type", UnsupportedContentTypeMessage, true)
                    : Describe(body.Failure);
                if (!failOpenAllowed || policy.OnUnscreenable == FailureMode.Closed || !TryScreen((body.Failure == CaptureFailure.None ? body.Content : body.Raw).Span, settings.Format, policy, out var asSent))
                {
                    activity?.Stop();
                    await RefuseAsync(context, settings, policy, options, status, code, message, failOpenAllowed, body).ConfigureAwait(false);
                    return;
                }

                await DecideAsync(context, settings, policy, options, body, asSent, start, activity).ConfigureAwait(false);
                return;
            }

            ScreeningResult result;
            try
            {
                result = _screener.Screen(body.Content.Span, settings.Format, policy);
            }
            catch (PromptExtractionException ex)
            {
                activity?.Stop();
                var code = ex.Error switch
                {
                    ExtractionError.InvalidUtf8 => "invalid_utf8",
                    ExtractionError.TooDeep => "json_too_deep",
                    ExtractionError.UnexpectedShape => "unexpected_request_shape",
                    _ => "invalid_json",
                };
                await RefuseAsync(context, settings, policy, options, StatusCodes.Status400BadRequest, code, "Nethical Gateway could not screen this request: " + ex.Message, failOpenAllowed: true, body).ConfigureAwait(false);
                return;
            }

            await DecideAsync(context, settings, policy, options, body, result, start, activity).ConfigureAwait(false);
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private bool TryScreen(ReadOnlySpan<byte> json, ProviderFormat format, ScreeningPolicy policy, out ScreeningResult result)
    {
        try
        {
            result = _screener.Screen(json, format, policy);
            return true;
        }
        catch (PromptExtractionException)
        {
            result = null!;
            return false;
        }
    }

    private async Task DecideAsync(HttpContext context, RouteScreeningSettings settings, ScreeningPolicy policy, ScreeningOptions options, CapturedBody body, ScreeningResult result, long start, Activity? activity)
    {
        try
        {
            result = await _screener.CompleteAsync(result, policy, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while tier 2 was scoring: there is no one to answer.
            return;
        }

        var action = PolicyEvaluator.Decide(policy, result.Score);
        if (result.Degraded && action != PolicyAction.Block && PolicyEvaluator.RefusesUnscreened(policy))
        {
            // Tier 2 was needed and did not answer; fail closed with a retryable status (SDKs retry 503).
            activity?.SetTag("nethical.degraded", true);
            activity?.Stop();
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, settings, policy, options, StatusCodes.Status503ServiceUnavailable, "screening_degraded", "Nethical Gateway could not complete screening in time; retry shortly.", failOpenAllowed: false, body).ConfigureAwait(false);
            return;
        }
        var verdict = action.ToVerdict();
        var reasons = JoinReasons(result.Reasons);
        activity?.SetTag("nethical.verdict", verdict);
        activity?.SetTag("nethical.score", result.Score);
        activity?.Stop();
        _metrics.Screened(settings.RouteId, verdict, Stopwatch.GetElapsedTime(start));

        var tags = new ScreeningTags(verdict, result.Score, reasons, result.Elapsed, options.ExposeReasonsToClients);
        Audit(context, settings, tags, body);
        if (action == PolicyAction.Block)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.RequestBlocked(_logger, settings.RouteId, result.Score, reasons, GatewayDiagnostics.Fingerprint(body.Content.Span), body.Content.Length);
            }

            tags.WriteTo(context.Response.Headers);
            var message = options.ExposeReasonsToClients
                ? string.Create(CultureInfo.InvariantCulture, $"Request blocked by Nethical Gateway: possible prompt injection (score {result.Score:F2}; rules: {reasons}).")
                : "Request blocked by Nethical Gateway: possible prompt injection.";
            await ProviderErrorWriter.WriteAsync(context, settings.Format, StatusCodes.Status400BadRequest, ProviderErrorWriter.PromptInjectionCode, message).ConfigureAwait(false);
            return;
        }

        if (action == PolicyAction.Flag)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var fingerprint = GatewayDiagnostics.Fingerprint(body.Content.Span);
                Log.RequestFlagged(_logger, settings.RouteId, result.Score, reasons, fingerprint, body.Content.Length);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RequestScreened(_logger, settings.RouteId, verdict, result.Score, result.SegmentCount, result.Elapsed.TotalMilliseconds);
        }

        Tag(context, tags);
        await _next(context).ConfigureAwait(false);
    }

    private Task RefuseAsync(HttpContext context, RouteScreeningSettings settings, ScreeningPolicy policy, ScreeningOptions options, int status, string code, string message, bool failOpenAllowed, CapturedBody? body = null)
    {
        Log.RequestUnscreenable(_logger, settings.RouteId, code, policy.OnUnscreenable);
        if (failOpenAllowed && policy.OnUnscreenable == FailureMode.Open)
        {
            _metrics.Unscreenable(settings.RouteId, code, NethicalHeaders.Unscreened);
            var unscreened = new ScreeningTags(NethicalHeaders.Unscreened, null, code, TimeSpan.Zero, exposeReasons: true);
            Audit(context, settings, unscreened, body);
            Tag(context, unscreened);
            return _next(context);
        }

        _metrics.Unscreenable(settings.RouteId, code, "refused");
        var refused = new ScreeningTags("refused", null, code, TimeSpan.Zero, exposeReasons: true);
        Audit(context, settings, refused, body);
        refused.WriteTo(context.Response.Headers);
        return ProviderErrorWriter.WriteAsync(context, settings.Format, status, code, message);
    }

    private void Audit(HttpContext context, RouteScreeningSettings settings, ScreeningTags tags, CapturedBody? body)
    {
        if (!_audit.Enabled)
        {
            return;
        }

        var content = body is null ? default : body.Content;
        _audit.Record(new AuditRecord(
            _time.GetUtcNow(),
            settings.RouteId,
            context.Connection.RemoteIpAddress?.ToString(),
            tags.Verdict,
            tags.Score,
            tags.Reasons,
            content.IsEmpty ? null : GatewayDiagnostics.Fingerprint(content.Span),
            content.Length,
            tags.Elapsed.TotalMilliseconds,
            Activity.Current?.TraceId.ToHexString()));
    }

    private static (int Status, string Code, string Message, bool FailOpenAllowed) Describe(CaptureFailure failure) => failure switch
    {
        // Size and time limits hold in every mode: letting an oversized body through unscreened would make length a bypass.
        CaptureFailure.TooLarge => (StatusCodes.Status413PayloadTooLarge, "request_too_large", "The request body is larger than Nethical Gateway screens.", false),
        CaptureFailure.DecodedTooLarge => (StatusCodes.Status413PayloadTooLarge, "decoded_body_too_large", "The request body decompresses to more than Nethical Gateway screens.", false),
        CaptureFailure.Timeout => (StatusCodes.Status408RequestTimeout, "request_timeout", "The request body took too long to arrive.", false),
        CaptureFailure.UnsupportedEncoding => (StatusCodes.Status415UnsupportedMediaType, "unsupported_content_encoding", "Nethical Gateway accepts request bodies with Content-Encoding gzip, br, deflate or none.", true),
        _ => (StatusCodes.Status400BadRequest, "invalid_content_encoding", "The request body does not decode with its Content-Encoding.", true),
    };

    /// <summary>The current options, or the last valid ones when a live reload brought invalid values.</summary>
    private ScreeningOptions CurrentOptions()
    {
        try
        {
            return _lastValidOptions = _options.CurrentValue;
        }
        catch (OptionsValidationException ex)
        {
            // Every request sees the exception until the configuration is fixed: log each distinct failure once.
            if (!string.Equals(Interlocked.Exchange(ref _lastInvalidMessage, ex.Message), ex.Message, StringComparison.Ordinal))
            {
                Log.InvalidOptionsReload(_logger, ex.Message);
            }

            return _lastValidOptions;
        }
    }

    private ScreeningPolicy ResolvePolicy(ScreeningOptions options, RouteScreeningSettings settings)
    {
        if (options.Policies.TryGetValue(settings.PolicyName, out var policy))
        {
            return policy;
        }

        if (settings.TryMarkUnknownPolicyLogged())
        {
            Log.UnknownPolicy(_logger, settings.RouteId, settings.PolicyName);
        }

        return options.GetPolicy(ScreeningOptions.DefaultPolicyName);
    }

    private static bool IsUpgrade(HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    private static bool HasBody(HttpRequest request)
    {
        if (request.ContentLength is long length)
        {
            return length > 0;
        }

        // Chunked or HTTP/2 bodies without a length: ask the server whether a body can follow.
        return request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
    }

    private static void Tag(HttpContext context, ScreeningTags tags)
    {
        tags.WriteToRequest(context.Request.Headers);

        // The response transform writes them back after YARP has copied the upstream's headers.
        context.Features.Set(tags);
    }

    private static string JoinReasons(IReadOnlyList<string> reasons)
        => reasons.Count switch
        {
            0 => string.Empty,
            1 => reasons[0],
            _ => string.Join(',', reasons),
        };
}
