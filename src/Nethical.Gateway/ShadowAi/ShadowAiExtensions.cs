using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.ShadowAi;

/// <summary>Registers and plugs in shadow-AI detection.</summary>
public static class ShadowAiExtensions
{
    /// <summary>
    /// Adds the shadow-AI detector and its options (section <c>ShadowAi</c>, the catalog from <c>ai-catalog.json</c>),
    /// reloading live: the detector rebuilds its catalog when the options change and keeps the last valid one when an
    /// edit is invalid.
    /// </summary>
    public static IServiceCollection AddShadowAi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ShadowAiOptions>()
            .BindConfiguration(ShadowAiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<ShadowAiMetrics>();
        services.TryAddSingleton<IShadowAiDetector>(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<ShadowAiOptions>>();
            return new ShadowAiDetector(() => monitor.CurrentValue);
        });
        services.TryAddSingleton<ShadowAiMarker>();
        return services;
    }

    /// <summary>Shadow-AI detection on proxied requests. Call inside <c>MapReverseProxy</c>, after load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseShadowAi(this IReverseProxyApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationServices.GetService<ShadowAiMarker>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddShadowAi()' in the application startup code.");
        }
        builder.UseMiddleware<ShadowAiMiddleware>();
        return builder;
    }

    /// <summary>Proves that <see cref="AddShadowAi"/> ran.</summary>
    internal sealed class ShadowAiMarker;
}
