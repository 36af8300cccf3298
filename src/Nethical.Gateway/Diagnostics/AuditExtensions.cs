using Microsoft.Extensions.DependencyInjection.Extensions;
using Nethical.Gateway.Hosting;

namespace Nethical.Gateway.Diagnostics;

/// <summary>Registers the audit log, which every feature that decides about traffic writes to.</summary>
public static class AuditExtensions
{
    /// <summary>Adds the audit log and its options (section <c>Audit</c>). Calling it twice is harmless.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ServiceChecks.TryAddOnce<AuditLog>(services))
        {
            return services;
        }
        services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService(static sp => sp.GetRequiredService<AuditLog>());
        return services;
    }
}
