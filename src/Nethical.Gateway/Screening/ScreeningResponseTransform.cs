using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Nethical.Gateway.Screening;

/// <summary>
/// Runs on every proxied response: drops any <c>x-nethical-*</c> header or trailer the upstream sent (YARP appends
/// upstream headers to those already set), then writes the gateway's own tags.
/// </summary>
internal static class ScreeningResponseTransform
{
    public static void Add(TransformBuilderContext context)
    {
        context.AddResponseTransform(static transform =>
        {
            var response = transform.HttpContext.Response;
            ScreeningTags.RemoveForged(response.Headers);
            transform.HttpContext.Features.Get<ScreeningTags>()?.WriteTo(response.Headers);

            return ValueTask.CompletedTask;
        });
        context.AddResponseTrailersTransform(static transform =>
        {
            if (transform.HttpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers)
            {
                ScreeningTags.RemoveForged(trailers);
            }

            return ValueTask.CompletedTask;
        });
    }
}
