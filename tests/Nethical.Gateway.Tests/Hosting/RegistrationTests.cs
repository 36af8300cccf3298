using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Egress;
using Nethical.Gateway.GuardApi;
using Nethical.Gateway.Screening;
using Nethical.Gateway.ShadowAi;
using Nethical.Guard.Screening;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Hosting;

public sealed class RegistrationTests
{
    private static WebApplication Build(Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Screening:Tier2:Enabled"] = "false" });
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        configure(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task UseScreening_WithoutAddScreening_SaysWhichCallIsMissing()
    {
        await using var app = Build(static _ => { });

        var error = Assert.Throws<InvalidOperationException>(() => app.MapReverseProxy(static proxy => proxy.UseScreening()));

        Assert.Contains("services.AddScreening()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseShadowAi_WithoutAddShadowAi_SaysWhichCallIsMissing()
    {
        await using var app = Build(static _ => { });

        var error = Assert.Throws<InvalidOperationException>(() => app.MapReverseProxy(static proxy => proxy.UseShadowAi()));

        Assert.Contains("services.AddShadowAi()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddShadowAi_Alone_AddsEverythingItsStepNeeds()
    {
        await using var app = Build(static services => services.AddShadowAi());

        // The audit log came with screening alone before; the shadow-AI step writes to it too.
        Assert.NotNull(app.Services.GetService<AuditLog>());
        Assert.NotNull(app.Services.GetService<IShadowAiDetector>());
        app.MapReverseProxy(static proxy => proxy.UseShadowAi());
    }

    [Fact]
    public async Task AddScreening_Alone_AddsTheEngineAndTheAuditLog()
    {
        await using var app = Build(static services => services.AddScreening());

        Assert.NotNull(app.Services.GetService<IPromptScreener>());
        Assert.NotNull(app.Services.GetService<AuditLog>());
        app.MapReverseProxy(static proxy => proxy.UseScreening());
    }

    [Fact]
    public async Task MapGuardApi_WithoutAddScreening_SaysWhichCallIsMissing()
    {
        await using var app = Build(static services => services.AddShadowAi());

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGuardApi());

        Assert.Contains("services.AddScreening()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapShadowAiApi_WithoutAddShadowAi_SaysWhichCallIsMissing()
    {
        await using var app = Build(static services => services.AddScreening());

        var error = Assert.Throws<InvalidOperationException>(() => app.MapShadowAiApi());

        Assert.Contains("services.AddShadowAi()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEgress_CalledTwice_RegistersNothingTwice()
    {
        var once = new ServiceCollection().AddEgress();
        var twice = new ServiceCollection().AddEgress().AddEgress();

        Assert.Equal(once.Count, twice.Count);
        Assert.Equal(
            once.Select(static d => d.ServiceType.FullName + "|" + (d.ImplementationType?.FullName ?? "factory")),
            twice.Select(static d => d.ServiceType.FullName + "|" + (d.ImplementationType?.FullName ?? "factory")));
    }
}
