using Microsoft.Extensions.DependencyInjection;
using Nethical.Gateway.Egress;
using Nethical.Gateway.Screening;
using Nethical.Gateway.ShadowAi;

namespace Nethical.Gateway.Tests.Egress;

public sealed class EgressExtensionsTests
{
    [Fact]
    public void AddEgress_WithAddScreeningAndAddShadowAiBefore_RegistersNothingTwice()
    {
        var alone = new ServiceCollection().AddEgress();
        var services = new ServiceCollection();
        services.AddScreening();
        services.AddShadowAi();
        services.AddEgress();

        Assert.Equal(Describe(alone), Describe(services));
    }

    [Fact]
    public void AddEgress_WithAddScreeningAndAddShadowAiAfter_RegistersNothingTwice()
    {
        var alone = new ServiceCollection().AddEgress();
        var services = new ServiceCollection().AddEgress();
        services.AddScreening();
        services.AddShadowAi();

        Assert.Equal(Describe(alone), Describe(services));
    }

    [Fact]
    public void AddEgress_Alone_RegistersScreeningAndShadowAi()
    {
        using var provider = new ServiceCollection().AddLogging().AddEgress().BuildServiceProvider();

        Assert.NotNull(provider.GetService<ScreeningExtensions.ScreeningMarker>());
        Assert.NotNull(provider.GetService<ShadowAiExtensions.ShadowAiMarker>());
    }

    private static List<string> Describe(IServiceCollection services)
    {
        var described = new List<string>(services.Count);
        foreach (var descriptor in services)
        {
            var implementation = descriptor.ImplementationType?.FullName
                ?? descriptor.ImplementationInstance?.GetType().FullName
                ?? descriptor.ImplementationFactory?.Method.ToString();
            described.Add($"{descriptor.ServiceType.FullName} {descriptor.Lifetime} {implementation}");
        }

        described.Sort(StringComparer.Ordinal);
        return described;
    }
}
