using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nethical.Guard;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Normalization;
using Nethical.Guard.Offline;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Gateway.Screening;

/// <summary>Registers and plugs in prompt screening.</summary>
public static class ScreeningExtensions
{
    /// <summary>Adds the screening engine and its options (section <c>Screening</c>). A second call adds nothing.</summary>
    public static IServiceCollection AddScreening(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(ScreeningMarker)))
        {
            // Added already (AddEgress adds it too): the options' binding, validators and hosted services are not TryAdd.
            return services;
        }

        services.AddOptions<ScreeningOptions>()
            .BindConfiguration(ScreeningOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(static o => AllPoliciesValid(o), "Every screening policy needs BlockThreshold, Tier1Confident and Tier1Uncertain in [0, 1] and a positive Tier2Budget.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<TextNormalizer>();
        services.TryAddSingleton<RuleBasedPromptInjectionDetector>();
        services.AddOptions<Tier2Options>()
            .BindConfiguration(ScreeningOptions.SectionName + ":Tier2")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<BatcherMetrics>();
        services.TryAddSingleton<Tier2Metrics>();
        services.TryAddSingleton<Guard.Tier2.CachingMetrics>();
        services.TryAddSingleton<Tier2Host>();
        services.TryAddSingleton(static sp => new PromptScreener(
            sp.GetRequiredService<TextNormalizer>(),
            sp.GetRequiredService<RuleBasedPromptInjectionDetector>(),
            sp.GetRequiredService<Tier2Host>().Detector,
            sp.GetRequiredService<IOptions<ScreeningOptions>>().Value.MaxJsonDepth));
        services.TryAddSingleton<Diagnostics.ScreeningMetrics>();
        services.TryAddSingleton<ScreeningMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<Diagnostics.AuditOptions>()
            .BindConfiguration(Diagnostics.AuditOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<Diagnostics.AuditLog>();
        services.AddHostedService(static sp => sp.GetRequiredService<Diagnostics.AuditLog>());
        services.AddHostedService<ScreeningWarmup>();
        return services;
    }

    /// <summary>Screens proxied requests. Call inside <c>MapReverseProxy</c>, before load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseScreening(this IReverseProxyApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationServices.GetService<ScreeningMarker>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddScreening()' in the application startup code.");
        }

        builder.UseMiddleware<ScreeningMiddleware>();
        return builder;
    }

    private static bool AllPoliciesValid(ScreeningOptions options)
    {
        foreach (var policy in options.Policies.Values)
        {
            if (policy is null || !InUnitRange(policy.BlockThreshold) || !InUnitRange(policy.Tier1Confident)
                || !InUnitRange(policy.Tier1Uncertain) || policy.Tier2Budget <= TimeSpan.Zero)
            {
                return false;
            }
        }

        return true;
    }

    private static bool InUnitRange(double value) => value is >= 0 and <= 1;

    /// <summary>Proves that <see cref="AddScreening"/> ran.</summary>
    internal sealed class ScreeningMarker;
}
