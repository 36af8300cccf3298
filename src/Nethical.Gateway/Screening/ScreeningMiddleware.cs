using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Http;
using Nethical.Guard;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Yarp.ReverseProxy.Model;

namespace Nethical.Gateway.Screening;

/// <summary>
/// A YARP pipeline step: reads the request body, has the engine screen it under the route's policy
/// (<see cref="IPromptScreener.ScreenAsync"/>), and maps the decision to HTTP: block with the provider's error shape,
/// refuse, or tag and forward. The original bytes are replayed to the upstream unchanged.
/// </summary>
internal sealed class ScreeningMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IPromptScreener _screener;
    private readonly LastValidOptions<ScreeningOptions> _options;
    private readonly ScreeningMetrics _metrics;
    private readonly ILogger _logger;
    private readonly AuditLog _audit;

    public ScreeningMiddleware(
        RequestDelegate next,
        IPromptScreener screener,
        LastValidOptions<ScreeningOptions> options,
        ScreeningMetrics metrics,
        ILogger<ScreeningMiddleware> logger,
        AuditLog audit)
    {
        _next = next;
        _screener = screener;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _audit = audit;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Before anything else, on every route: only the gateway speaks x-nethical-*.
        ScreeningTags.RemoveForged(context.Request.Headers);

        var settings = RouteSettings.For(context.GetReverseProxyFeature().Route.Config);
        var options = _options.Current;
        var policy = ResolvePolicy(options, settings);
        if (policy.Mode == PolicyMode.Off)
        {
            return _next(context);
        }

        if (IsUpgrade(context))
        {
            return RefuseAsync(context, settings, policy, options, HttpRefusal.Upgrade);
        }

        if (!HasBody(context.Request))
        {
            // Nothing the model could read: pass, tagged as screened and clean.
            var clean = new ScreeningTags(Verdicts.Allow, 0, null, TimeSpan.Zero, options.ExposeReasonsToClients);
            Audit(context, settings, clean, body: null);
            Tag(context, clean);
            return _next(context);
        }

        if (policy.OnUnscreenable == FailureMode.Closed && !CapturedBody.IsJson(context.Request.ContentType))
        {
            return RefuseAsync(context, settings, policy, options, HttpRefusal.UnsupportedContentType);
        }

        return InvokeCore(context, settings, policy, options);
    }

    private async Task InvokeCore(HttpContext context, RouteSettings settings, ScreeningPolicy policy, ScreeningOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        using var activity = GatewayDiagnostics.ActivitySource.StartActivity("nethical.screening");
        activity?.SetTag("nethical.route", settings.RouteId);

        CapturedBody body;
        try
        {
            body = await CapturedBody.CaptureAsync(context.Request, options.BodyLimits, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away: there is no one to answer.
            return;
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits (minimum data rate, maximum body size) ended the read.
            await RefuseAsync(context, settings, policy, options, HttpRefusal.UnreadableBody(ex.StatusCode)).ConfigureAwait(false);
            return;
        }

        context.Response.RegisterForDispose(body);
        context.Request.Body = body.CreateReplayStream();

        // Under a fail-open policy, a body that claims another content type or an encoding we cannot undo is still
        // screened as it stands: many servers ignore those headers and read the JSON anyway. If it does not read as
        // JSON either, the capture failure is what the client (or the unscreened tag) is told.
        HttpRefusal? captureFailure = body.Failure != CaptureFailure.None ? HttpRefusal.For(body.Failure)
            : !CapturedBody.IsJson(context.Request.ContentType) ? HttpRefusal.UnsupportedContentType
            : null;
        if (captureFailure is { } failure && (!failure.FailOpenAllowed || policy.OnUnscreenable == FailureMode.Closed))
        {
            activity?.Stop();
            await RefuseAsync(context, settings, policy, options, failure, body).ConfigureAwait(false);
            return;
        }

        var screened = body.Failure == CaptureFailure.None ? body.Content : body.Raw;
        ScreeningDecision decision;
        try
        {
            decision = await _screener.ScreenAsync(ScreeningRequest.ForBody(screened, settings.Format), policy, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while tier 2 was scoring: there is no one to answer.
            return;
        }

        activity?.SetTag("nethical.verdict", decision.Verdict);
        switch (decision.Outcome)
        {
            case ScreeningOutcome.Unscreened or ScreeningOutcome.RefusedUnscreenable:
                activity?.Stop();
                await RefuseAsync(context, settings, policy, options, captureFailure ?? HttpRefusal.For(decision, options.ExposeReasonsToClients), body).ConfigureAwait(false);
                return;

            case ScreeningOutcome.RefusedDegraded:
                // Tier 2 was needed and did not answer; fail closed with a retryable status (SDKs retry 503).
                activity?.SetTag("nethical.degraded", true);
                activity?.Stop();
                context.Response.Headers.RetryAfter = "1";
                await RefuseAsync(context, settings, policy, options, HttpRefusal.For(decision, options.ExposeReasonsToClients), body).ConfigureAwait(false);
                return;
        }

        var result = decision.Result!;
        var reasons = HttpRefusal.JoinReasons(result.Reasons);
        activity?.SetTag("nethical.score", result.Score);
        activity?.Stop();
        _metrics.Screened(settings.RouteId, decision.Verdict, Stopwatch.GetElapsedTime(start));

        var tags = new ScreeningTags(decision.Verdict, result.Score, reasons, result.Elapsed, options.ExposeReasonsToClients, result.DegradedCause);
        Audit(context, settings, tags, body);
        if (decision.Outcome == ScreeningOutcome.Block)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.RequestBlocked(_logger, settings.RouteId, result.Score, reasons, GatewayDiagnostics.Fingerprint(body.Content.Span), body.Content.Length);
            }

            tags.WriteTo(context.Response.Headers);
            await ProviderErrorWriter.WriteAsync(context, settings.Format, HttpRefusal.For(decision, options.ExposeReasonsToClients)).ConfigureAwait(false);
            return;
        }

        if (decision.Outcome == ScreeningOutcome.Flag)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var fingerprint = GatewayDiagnostics.Fingerprint(body.Content.Span);
                Log.RequestFlagged(_logger, settings.RouteId, result.Score, reasons, fingerprint, body.Content.Length);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RequestScreened(_logger, settings.RouteId, decision.Verdict, result.Score, result.SegmentCount, result.Elapsed.TotalMilliseconds);
        }

        Tag(context, tags);
        await _next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// What could not be screened: passed, tagged <c>unscreened</c>, where the policy fails open and the refusal allows it;
    /// otherwise refused with the provider's error shape.
    /// </summary>
    private Task RefuseAsync(HttpContext context, RouteSettings settings, ScreeningPolicy policy, ScreeningOptions options, HttpRefusal refusal, CapturedBody? body = null)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.RequestUnscreenable(_logger, settings.RouteId, refusal.Code, policy.OnUnscreenable);
        }
        if (refusal.FailOpenAllowed && policy.OnUnscreenable == FailureMode.Open)
        {
            _metrics.Unscreenable(settings.RouteId, refusal.Code, Verdicts.Unscreened);
            var unscreened = new ScreeningTags(Verdicts.Unscreened, null, refusal.Code, TimeSpan.Zero, exposeReasons: true);
            Audit(context, settings, unscreened, body);
            Tag(context, unscreened);
            return _next(context);
        }

        _metrics.Unscreenable(settings.RouteId, refusal.Code, Verdicts.Refused);
        var refused = new ScreeningTags(Verdicts.Refused, null, refusal.Code, TimeSpan.Zero, exposeReasons: true);
        Audit(context, settings, refused, body);
        refused.WriteTo(context.Response.Headers);
        return ProviderErrorWriter.WriteAsync(context, settings.Format, refusal);
    }

    private void Audit(HttpContext context, RouteSettings settings, ScreeningTags tags, CapturedBody? body)
    {
        if (_audit.Enabled)
        {
            _audit.Record(settings.RouteId, context.Connection.RemoteIpAddress?.ToString(), tags.Verdict, tags.Score, tags.Reasons,
                body is null ? default : body.Content.Span, tags.Elapsed);
        }
    }

    private ScreeningPolicy ResolvePolicy(ScreeningOptions options, RouteSettings settings)
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
}
