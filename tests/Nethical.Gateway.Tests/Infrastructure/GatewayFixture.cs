using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Nethical.Gateway.Hosting;

namespace Nethical.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway on a loopback port in front of a <see cref="FakeLlmUpstream"/>, with the shipped routes pointed at
/// the fake and a few extra routes for the other policies.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    private WebApplication? _gateway;

    public FakeLlmUpstream Upstream { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _gateway!.Services;

    /// <summary>Every log record the gateway wrote.</summary>
    public FakeLogCollector Logs => _gateway!.Services.GetFakeLogCollector();

    /// <summary>Whether the gateway loads the tier-2 model.</summary>
    protected virtual bool Tier2Enabled => false;

    /// <summary>Adds or overrides settings before the gateway is built.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        var upstream = Upstream.BaseAddress.ToString();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            // The egress listener has its own fixture (EgressFixture); here it would bind port 8888 and need a detector.
            ["Egress:Enabled"] = "false",
            ["Screening:BodyReadTimeout"] = "00:00:01",
            // Tier 1 alone unless a fixture asks for the model (Tier2GatewayFixture): loading it costs seconds.
            ["Screening:Tier2:Enabled"] = Tier2Enabled ? "true" : "false",
            ["Screening:Tier2:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "nethical-tests-models"),
            ["Screening:MaxBodyBytes"] = "1048576",
            ["Screening:MaxDecodedBodyBytes"] = "4194304",
            ["Screening:Policies:failopen:Mode"] = "Enforce",
            ["Screening:Policies:failopen:OnUnscreenable"] = "Open",
            // Tier 2 on everything with a budget no model meets: every request is degraded.
            ["Screening:Policies:tight:Tier2"] = "All",
            ["Screening:Policies:tight:Tier2Budget"] = "00:00:00.001",
            ["Screening:Policies:tight-open:Tier2"] = "All",
            ["Screening:Policies:tight-open:Tier2Budget"] = "00:00:00.001",
            ["Screening:Policies:tight-open:OnUnscreenable"] = "Open",
        };
        foreach (var cluster in new[] { "openai", "anthropic", "gemini", "ollama" })
        {
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = upstream;
        }

        AddRoute(settings, "openai-monitor", "/monitor", "openai", "monitor");
        AddRoute(settings, "openai-failopen", "/failopen", "openai", "failopen");
        AddRoute(settings, "openai-off", "/off", "openai", "off");
        AddRoute(settings, "openai-tight", "/tight", "openai", "tight");
        AddRoute(settings, "openai-tight-open", "/tight-open", "openai", "tight-open");
        Configure(settings);

        var builder = GatewayApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        _gateway = GatewayApplication.Build(builder);
        await _gateway.StartAsync();

        BaseAddress = ServerAddress.Of(_gateway);
        Client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    private static void AddRoute(Dictionary<string, string?> settings, string id, string prefix, string format, string policy)
    {
        var route = $"ReverseProxy:Routes:{id}";
        settings[$"{route}:ClusterId"] = "openai";
        settings[$"{route}:Match:Path"] = prefix + "/{**catch-all}";
        settings[$"{route}:Metadata:Nethical.Format"] = format;
        settings[$"{route}:Metadata:Nethical.Policy"] = policy;
        settings[$"{route}:Transforms:0:PathRemovePrefix"] = prefix;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The gateway with the tier-2 model loaded (INT8, built once into the user's model cache).</summary>
public sealed class Tier2GatewayFixture : GatewayFixture
{
    protected override bool Tier2Enabled => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        // A long document's budget grows by this much per window beyond the first. The default (15 ms) fits an idle
        // machine; shared CI machines run the test projects side by side, so the long-document test gets room here.
        // That the budget scales at all is unit-tested against a model of known speed (ModelPromptInjectionDetectorTests).
        settings["Screening:Tier2:BudgetPerExtraWindow"] = "00:00:00.100";
    }
}

/// <summary>The gateway with shadow-AI detection enforcing: unsanctioned AI is blocked; the identity <c>build-bot</c> may use any.</summary>
public sealed class ShadowAiEnforceGatewayFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["ShadowAi:Mode"] = "Enforce";
        settings["ShadowAi:Exceptions:0:Identities:0"] = "build-bot";
        settings["ShadowAi:Exceptions:0:Providers:0"] = "*";
    }
}
