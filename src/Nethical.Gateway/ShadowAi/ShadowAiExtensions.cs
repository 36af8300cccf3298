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
    /// edit is invalid. A second call adds nothing.
    /// </summary>
    public static IServiceCollection AddShadowAi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(ShadowAiMarker)))
        {
            // Added already (AddEgress adds it too): the options' binding and validators are not TryAdd.
            return services;
        }

        services.AddOptions<ShadowAiOptions>()
            .BindConfiguration(ShadowAiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<ShadowAiMetrics>();
        services.TryAddSingleton<IShadowAiDetector>(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<ShadowAiOptions>>();
            var guard = new LastGoodOptions(monitor);
            return new ShadowAiDetector(guard.Current);
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

    /// <summary>
    /// The options the detector runs on: the current ones, unless a reload made them invalid or emptied the catalog (a
    /// deleted or half-saved <c>ai-catalog.json</c> reloads as no data): then the last good ones stay. A missing catalog
    /// must not switch shadow-AI detection off.
    /// </summary>
    internal sealed class LastGoodOptions(IOptionsMonitor<ShadowAiOptions> monitor)
    {
        private ShadowAiOptions? _last;

        public ShadowAiOptions Current()
        {
            ShadowAiOptions current;
            try
            {
                current = monitor.CurrentValue;
            }
            catch (OptionsValidationException) when (_last is not null)
            {
                return _last;
            }

            if (current.Catalog.Providers.Count == 0 && _last is { Catalog.Providers.Count: > 0 })
            {
                return _last;
            }

            _last = current;
            return current;
        }
    }

    /// <summary>Proves that <see cref="AddShadowAi"/> ran.</summary>
    internal sealed class ShadowAiMarker;
}
