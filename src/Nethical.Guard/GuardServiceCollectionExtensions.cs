using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Normalization;
using Nethical.Guard.Screening;
using Nethical.Guard.Monitoring;
using Nethical.Guard.Tier2;

namespace Nethical.Guard;

/// <summary>Registers the screening engine.</summary>
public static class GuardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine: <see cref="IPromptScreener"/> (extraction, normalisation, tier 1, the gate, tier 2, the policy),
    /// its options (<see cref="GuardOptions"/> from <c>Screening</c>, <see cref="Tier2Options"/> from
    /// <c>Screening:Tier2</c>, validated at start), its metrics, and a start-up warm-up that loads tier 2 and compiles
    /// the rules before the host takes traffic. Every service is added with <c>TryAdd</c>: register your own first to
    /// replace it. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddNethicalGuard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(GuardMarker)))
        {
            return services;
        }
        services.AddSingleton<GuardMarker>();
        services.AddOptions<GuardOptions>()
            .BindConfiguration(GuardOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<Tier2Options>()
            .BindConfiguration(GuardOptions.SectionName + ":Tier2")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TextNormalizer>();
        services.TryAddSingleton<RuleBasedPromptInjectionDetector>();
        services.TryAddSingleton<BatcherMetrics>();
        services.TryAddSingleton<Tier2Metrics>();
        services.TryAddSingleton<CachingMetrics>();
        services.TryAddSingleton(static sp => new GuardStatistics(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<GuardOptions>>().Value.StatisticsWindow));
        services.TryAddSingleton<Tier2Runtime>();
        services.TryAddSingleton<IPromptScreener>(static sp => new PromptScreener(
            sp.GetRequiredService<TextNormalizer>(),
            sp.GetRequiredService<RuleBasedPromptInjectionDetector>(),
            sp.GetRequiredService<Tier2Runtime>().Detector,
            sp.GetRequiredService<IOptions<GuardOptions>>().Value.MaxJsonDepth)
        {
            Statistics = sp.GetRequiredService<GuardStatistics>(),
            Memo = sp.GetRequiredService<IOptions<GuardOptions>>().Value.SegmentMemoCharacters is > 0 and var characters ? new SegmentMemo(characters) : null,
        });
        services.AddHostedService<ScreenerWarmup>();
        return services;
    }

    /// <summary>Proves that <see cref="AddNethicalGuard"/> ran.</summary>
    private sealed class GuardMarker;
}
