using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Guard;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Yarp.ReverseProxy.Model;

namespace Nethical.Gateway.Screening;

/// <summary>
/// A YARP pipeline step: reads the request body, screens the prompt in it, and blocks, tags or passes the request
/// according to the route's policy. The original bytes are replayed to the upstream unchanged.
/// </summary>
internal sealed class ScreeningMiddleware
{
    private readonly RequestDelegate _next;
    private readonly PromptScreener _screener;
    private readonly IOptionsMonitor<ScreeningOptions> _options;
    private readonly ScreeningMetrics _metrics;
    private readonly ILogger _logger;

    public ScreeningMiddleware(
        RequestDelegate next,
        PromptScreener screener,
        IOptionsMonitor<ScreeningOptions> options,
        ScreeningMetrics metrics,
        ILogger<ScreeningMiddleware> logger)
    {
        _next = next;
        _screener = screener;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Before anything else, on every route: only the gateway speaks x-nethical-*.
        RemoveForgedHeaders(context.Request.Headers);

        var route = context.GetReverseProxyFeature().Route;
        var settings = RouteScreeningSettings.For(route.Config);
        var options = _options.CurrentValue;
        var policy = ResolvePolicy(options, settings);
        if (policy.Mode == PolicyMode.Off)
        {
            return _next(context);
        }

        if (!HasBody(context.Request))
        {
            // Nothing the model could read: pass, tagged as screened and clean.
            SetTags(context, PolicyAction.Allow.ToVerdict(), score: 0, reasons: null, TimeSpan.Zero);
            return _next(context);
        }

        return InvokeCore(context, settings, policy, options);
    }

    private async Task InvokeCore(HttpContext context, RouteScreeningSettings settings, ScreeningPolicy policy, ScreeningOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        using var activity = GatewayDiagnostics.ActivitySource.StartActivity("nethical.screening");
        activity?.SetTag("nethical.route", settings.RouteId);

        CapturedBody body;
        try
        {
            body = await CapturedBody.CaptureAsync(context.Request, options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits (minimum data rate, maximum body size) ended the read.
            await RefuseAsync(context, settings, policy, ex.StatusCode, "bad_request_body", "The request body could not be read.", failOpenAllowed: false).ConfigureAwait(false);
            return;
        }

        context.Response.RegisterForDispose(body);
        if (body.Failure != CaptureFailure.None)
        {
            var (status, code, message, failOpenAllowed) = Describe(body.Failure);
            if (failOpenAllowed && body.Raw.Length > 0)
            {
                context.Request.Body = body.CreateReplayStream();
            }

            await RefuseAsync(context, settings, policy, status, code, message, failOpenAllowed).ConfigureAwait(false);
            return;
        }

        context.Request.Body = body.CreateReplayStream();

        ScreeningResult result;
        try
        {
            result = _screener.Screen(body.Content.Span, settings.Format);
        }
        catch (PromptExtractionException ex)
        {
            var (code, status) = ex.Error switch
            {
                ExtractionError.InvalidUtf8 => ("invalid_utf8", StatusCodes.Status400BadRequest),
                ExtractionError.TooDeep => ("json_too_deep", StatusCodes.Status400BadRequest),
                ExtractionError.UnexpectedShape => ("unexpected_request_shape", StatusCodes.Status400BadRequest),
                _ => ("invalid_json", StatusCodes.Status400BadRequest),
            };
            await RefuseAsync(context, settings, policy, status, code, "Nethical Gateway could not screen this request: " + ex.Message, failOpenAllowed: true).ConfigureAwait(false);
            return;
        }

        var action = PolicyEvaluator.Decide(policy, result.Score);
        var verdict = action.ToVerdict();
        var reasons = JoinReasons(result.Reasons);
        activity?.SetTag("nethical.verdict", verdict);
        activity?.SetTag("nethical.score", result.Score);
        _metrics.Screened(settings.RouteId, verdict, Stopwatch.GetElapsedTime(start));

        if (action == PolicyAction.Block)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.RequestBlocked(_logger, settings.RouteId, result.Score, reasons, GatewayDiagnostics.Fingerprint(body.Content.Span), body.Content.Length);
            }

            SetResponseTags(context.Response.Headers, verdict, result.Score, reasons, result.Elapsed);
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"Request blocked by Nethical Gateway: possible prompt injection (score {result.Score:F2}; rules: {reasons}).");
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

        SetTags(context, verdict, result.Score, reasons, result.Elapsed);
        await _next(context).ConfigureAwait(false);
    }

    private async Task RefuseAsync(HttpContext context, RouteScreeningSettings settings, ScreeningPolicy policy, int status, string code, string message, bool failOpenAllowed)
    {
        Log.RequestUnscreenable(_logger, settings.RouteId, code, policy.OnUnscreenable);
        if (failOpenAllowed && policy.OnUnscreenable == FailureMode.Open)
        {
            _metrics.Unscreenable(settings.RouteId, code, NethicalHeaders.Unscreened);
            SetTags(context, NethicalHeaders.Unscreened, score: null, code, TimeSpan.Zero);
            await _next(context).ConfigureAwait(false);
            return;
        }

        _metrics.Unscreenable(settings.RouteId, code, "refused");
        context.Response.Headers[NethicalHeaders.Verdict] = "refused";
        context.Response.Headers[NethicalHeaders.Reasons] = code;
        await ProviderErrorWriter.WriteAsync(context, settings.Format, status, code, message).ConfigureAwait(false);
    }

    private static (int Status, string Code, string Message, bool FailOpenAllowed) Describe(CaptureFailure failure) => failure switch
    {
        // Size and time limits hold in every mode: letting an oversized body through unscreened would make length a bypass.
        CaptureFailure.TooLarge => (StatusCodes.Status413PayloadTooLarge, "request_too_large", "The request body is larger than Nethical Gateway screens.", false),
        CaptureFailure.DecodedTooLarge => (StatusCodes.Status413PayloadTooLarge, "decoded_body_too_large", "The request body decompresses to more than Nethical Gateway screens.", false),
        CaptureFailure.Timeout => (StatusCodes.Status408RequestTimeout, "request_timeout", "The request body took too long to arrive.", false),
        CaptureFailure.UnsupportedContentType => (StatusCodes.Status415UnsupportedMediaType, "unsupported_content_type", "Nethical Gateway screens JSON request bodies in UTF-8 only (Content-Type: application/json).", true),
        CaptureFailure.UnsupportedEncoding => (StatusCodes.Status415UnsupportedMediaType, "unsupported_content_encoding", "Nethical Gateway accepts request bodies with Content-Encoding gzip, br, deflate or none.", true),
        _ => (StatusCodes.Status400BadRequest, "invalid_content_encoding", "The request body does not decode with its Content-Encoding.", true),
    };

    private ScreeningPolicy ResolvePolicy(ScreeningOptions options, RouteScreeningSettings settings)
    {
        if (options.Policies.TryGetValue(settings.PolicyName, out var policy))
        {
            return policy;
        }

        Log.UnknownPolicy(_logger, settings.RouteId, settings.PolicyName);
        return options.GetPolicy(ScreeningOptions.DefaultPolicyName);
    }

    private static bool HasBody(HttpRequest request)
    {
        if (request.ContentLength is long length)
        {
            return length > 0;
        }

        // Chunked or HTTP/2 bodies without a length: ask the server whether a body can follow.
        return request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
    }

    private static void RemoveForgedHeaders(IHeaderDictionary headers)
    {
        List<string>? forged = null;
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(NethicalHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                (forged ??= []).Add(header.Key);
            }
        }

        if (forged is not null)
        {
            foreach (var key in forged)
            {
                headers.Remove(key);
            }
        }
    }

    private static void SetTags(HttpContext context, string verdict, double? score, string? reasons, TimeSpan elapsed)
    {
        var request = context.Request.Headers;
        request[NethicalHeaders.Verdict] = verdict;
        if (score is double value)
        {
            request[NethicalHeaders.Score] = value.ToString("F3", CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(reasons))
        {
            request[NethicalHeaders.Reasons] = reasons;
        }

        request[NethicalHeaders.GuardMilliseconds] = FormatMilliseconds(elapsed);
        SetResponseTags(context.Response.Headers, verdict, score, reasons, elapsed);
    }

    private static void SetResponseTags(IHeaderDictionary response, string verdict, double? score, string? reasons, TimeSpan elapsed)
    {
        response[NethicalHeaders.Verdict] = verdict;
        if (score is double value)
        {
            response[NethicalHeaders.Score] = value.ToString("F3", CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(reasons))
        {
            response[NethicalHeaders.Reasons] = reasons;
        }

        response[NethicalHeaders.GuardMilliseconds] = FormatMilliseconds(elapsed);
    }

    private static string FormatMilliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture);

    private static string JoinReasons(IReadOnlyList<string> reasons)
        => reasons.Count switch
        {
            0 => string.Empty,
            1 => reasons[0],
            _ => string.Join(',', reasons),
        };
}
