using Microsoft.Extensions.DependencyInjection.Extensions;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Hosting;
using Nethical.Guard;

namespace Nethical.Gateway.Screening;

/// <summary>Registers and plugs in prompt screening.</summary>
public static class ScreeningExtensions
{
    /// <summary>
    /// Adds prompt screening: the engine (<see cref="GuardServiceCollectionExtensions.AddNethicalGuard"/>), the audit log
    /// (<see cref="AuditExtensions.AddAudit"/>) and the screening options (section <c>Screening</c>: body limits and the
    /// named policies, reloaded live, the last valid ones kept when a reload is invalid). Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddScreening(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ServiceChecks.TryAddOnce<ScreeningMarker>(services))
        {
            return services;
        }
        services.AddNethicalGuard();
        services.AddAudit();
        services.AddOptions<ScreeningOptions>()
            .BindConfiguration(ScreeningOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(static o => AllPoliciesValid(o), "Every screening policy needs BlockThreshold, Tier1Confident and Tier1Uncertain in [0, 1] and a positive Tier2Budget.")
            .ValidateOnStart();
        services.TryAddSingleton<LastValidOptions<ScreeningOptions>>();
        services.TryAddSingleton<ScreeningMetrics>();
        return services;
    }

    /// <summary>Screens proxied requests. Call inside <c>MapReverseProxy</c>, before load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseScreening(this IReverseProxyApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ServiceChecks.VerifyRegistered<ScreeningMarker>(builder.ApplicationServices, "AddScreening");
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
