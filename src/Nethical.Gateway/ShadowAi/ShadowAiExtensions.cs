using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Hosting;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.ShadowAi;

/// <summary>Registers and plugs in shadow-AI detection.</summary>
public static class ShadowAiExtensions
{
    /// <summary>
    /// Adds the shadow-AI detector, the audit log it writes to, and its options (section <c>ShadowAi</c>, the catalog from
    /// <c>ai-catalog.json</c>), reloading live: the detector rebuilds its catalog when the options change and keeps the
    /// last valid one when an edit is invalid. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddShadowAi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ServiceChecks.TryAddOnce<ShadowAiMarker>(services))
        {
            return services;
        }
        services.AddAudit();
        services.AddOptions<ShadowAiOptions>()
            .BindConfiguration(ShadowAiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<ShadowAiMetrics>();
        services.TryAddSingleton(static sp => new LastValidOptions<ShadowAiOptions>(
            sp.GetRequiredService<IOptionsMonitor<ShadowAiOptions>>(),
            sp.GetRequiredService<ILogger<LastValidOptions<ShadowAiOptions>>>(),
            KeepLastCatalog));
        services.TryAddSingleton<IShadowAiDetector>(static sp =>
        {
            var options = sp.GetRequiredService<LastValidOptions<ShadowAiOptions>>();
            return new ShadowAiDetector(() => options.Current);
        });
        return services;
    }

    /// <summary>Shadow-AI detection on proxied requests. Call inside <c>MapReverseProxy</c>, after load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseShadowAi(this IReverseProxyApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ServiceChecks.VerifyRegistered<ShadowAiMarker>(builder.ApplicationServices, "AddShadowAi");
        builder.UseMiddleware<ShadowAiMiddleware>();
        return builder;
    }

    /// <summary>
    /// A reload that empties the catalog keeps the last good options: a deleted or half-saved <c>ai-catalog.json</c>
    /// reloads as no data, and a missing catalog must not switch shadow-AI detection off.
    /// </summary>
    internal static bool KeepLastCatalog(ShadowAiOptions current, ShadowAiOptions last)
        => current.Catalog.Providers.Count == 0 && last.Catalog.Providers.Count > 0;

    /// <summary>Proves that <see cref="AddShadowAi"/> ran.</summary>
    internal sealed class ShadowAiMarker;
}
