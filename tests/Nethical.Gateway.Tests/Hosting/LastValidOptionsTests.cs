using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.ShadowAi;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Hosting;

public sealed class LastValidOptionsTests
{
    /// <summary>A hand-written monitor whose current value a test sets (or makes throw, like a failed validation).</summary>
    private sealed class SettableMonitor : IOptionsMonitor<ShadowAiOptions>
    {
        public Func<ShadowAiOptions> Value { get; set; } = () => new ShadowAiOptions();

        public ShadowAiOptions CurrentValue => Value();

        public ShadowAiOptions Get(string? name) => Value();

        public IDisposable? OnChange(Action<ShadowAiOptions, string?> listener) => null;
    }

    private static ShadowAiOptions WithProviders(int count)
    {
        var options = new ShadowAiOptions();
        for (var i = 0; i < count; i++)
        {
            options.Catalog.Providers.Add(new AiProviderOptions { Name = $"p{i}", Hosts = { $"api.p{i}.test" } });
        }
        return options;
    }

    [Fact]
    public void Current_CatalogEmptiedByAReload_KeepsTheLastGoodOptions()
    {
        var good = WithProviders(3);
        var monitor = new SettableMonitor { Value = () => good };
        var guard = new LastValidOptions<ShadowAiOptions>(monitor, NullLogger<LastValidOptions<ShadowAiOptions>>.Instance, ShadowAiExtensions.KeepLastCatalog);
        Assert.Same(good, guard.Current);

        monitor.Value = () => WithProviders(0);

        Assert.Same(good, guard.Current);
    }

    [Fact]
    public void Current_InvalidReload_KeepsTheLastGoodOptions()
    {
        var good = WithProviders(2);
        var monitor = new SettableMonitor { Value = () => good };
        var guard = new LastValidOptions<ShadowAiOptions>(monitor, NullLogger<LastValidOptions<ShadowAiOptions>>.Instance, ShadowAiExtensions.KeepLastCatalog);
        _ = guard.Current;

        monitor.Value = () => throw new OptionsValidationException("ShadowAi", typeof(ShadowAiOptions), ["bad CIDR"]);

        Assert.Same(good, guard.Current);
    }

    [Fact]
    public void Current_ValidChange_TakesEffect()
    {
        var monitor = new SettableMonitor { Value = () => WithProviders(2) };
        var guard = new LastValidOptions<ShadowAiOptions>(monitor, NullLogger<LastValidOptions<ShadowAiOptions>>.Instance, ShadowAiExtensions.KeepLastCatalog);
        _ = guard.Current;
        var next = WithProviders(5);

        monitor.Value = () => next;

        Assert.Same(next, guard.Current);
    }

    [Fact]
    public void Current_InvalidReloadBeforeTheFirstRead_KeepsTheOptionsItStartedWith()
    {
        var good = WithProviders(2);
        var monitor = new SettableMonitor { Value = () => good };
        var guard = new LastValidOptions<ShadowAiOptions>(monitor, NullLogger<LastValidOptions<ShadowAiOptions>>.Instance);

        monitor.Value = () => throw new OptionsValidationException("ShadowAi", typeof(ShadowAiOptions), ["bad CIDR"]);

        Assert.Same(good, guard.Current);
    }
}
