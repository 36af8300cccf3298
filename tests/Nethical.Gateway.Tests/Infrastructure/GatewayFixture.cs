using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Nethical.Gateway.Egress;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Tests.Egress;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Infrastructure;

/// <summary>What a test class changes about the gateway it runs against; the defaults are tier 1 alone, no egress listener.</summary>
public sealed record GatewayFixtureOptions
{
    /// <summary>Settings added over the fixture's own (a key set here wins).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>More configuration sources, added last (e.g. a policy file that reloads).</summary>
    public Action<IConfigurationBuilder>? Configure { get; init; }

    /// <summary>Whether the gateway loads the tier-2 model (INT8, built once into a shared model cache): loading it costs seconds.</summary>
    public bool Tier2 { get; init; }

    /// <summary>
    /// Whether the egress listener runs, on a loopback port, with a resolver that sends every host to a local server:
    /// the TLS test server for the AI hosts, the fake LLM upstream for everything else.
    /// </summary>
    public bool Egress { get; init; }

    /// <summary>True: <see cref="GatewayFixture.Detector"/> (a <see cref="FakeShadowAiDetector"/>) decides shadow AI; false: the gateway's own detector and catalog.</summary>
    public bool FakeShadowAiDetector { get; init; }
}

/// <summary>
/// The real gateway on loopback ports (real Kestrel) in front of a <see cref="FakeLlmUpstream"/>, with the shipped
/// routes pointed at the fake, a few extra routes for the other policies, and per-test-class options
/// (<see cref="GatewayFixtureOptions"/>): the one fixture of the functional tests. A class fixture needs a constructor
/// without parameters: each configuration below is a subclass that passes its options, nothing more.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>The egress listener's inspection limit (<c>Egress:MaxInspectedBodyBytes</c>) when egress runs.</summary>
    public const int MaxInspectedBodyBytes = 64 * 1024;

    private readonly GatewayFixtureOptions _options;
    private WebApplication? _gateway;
    private TlsTestServer? _tlsServer;

    public GatewayFixture()
        : this(new GatewayFixtureOptions())
    {
    }

    // Not public: a class fixture may have one public constructor. The configurations below, and a test that starts a
    // gateway of its own (ReloadTests), pass their options here.
    protected internal GatewayFixture(GatewayFixtureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public FakeLlmUpstream Upstream { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _gateway!.Services;

    /// <summary>Every log record the gateway wrote.</summary>
    public FakeLogCollector Logs => _gateway!.Services.GetFakeLogCollector();

    /// <summary>The shadow-AI detector when <see cref="GatewayFixtureOptions.FakeShadowAiDetector"/> is set (unused otherwise).</summary>
    public FakeShadowAiDetector Detector { get; } = new();

    /// <summary>Where the egress listener connects: every host to 127.0.0.1, never DNS (egress only).</summary>
    public TestEgressResolver Resolver { get; } = new();

    /// <summary>The HTTPS server that plays api.openai.com and api.anthropic.com (egress only).</summary>
    public TlsTestServer TlsServer => _tlsServer ?? throw new InvalidOperationException("The TLS test server runs only with egress enabled.");

    public IPEndPoint EgressEndPoint { get; private set; } = null!;

    public Uri ProxyUri => new($"http://127.0.0.1:{EgressEndPoint.Port}");

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        var upstream = Upstream.BaseAddress.ToString();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            // Off unless a test class asks for it: it would bind port 8888.
            ["Egress:Enabled"] = "false",
            ["Screening:BodyReadTimeout"] = "00:00:01",
            // Tier 1 alone unless a test class asks for the model: loading it costs seconds.
            ["Screening:Tier2:Enabled"] = _options.Tier2 ? "true" : "false",
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

        if (_options.Egress)
        {
            _tlsServer = new TlsTestServer();
            await _tlsServer.StartAsync();
            Resolver.DefaultPort = Upstream.BaseAddress.Port;
            Resolver.Ports[FakeShadowAiDetector.OpenAiHost] = _tlsServer.Port;
            Resolver.Ports[FakeShadowAiDetector.AnthropicHost] = _tlsServer.Port;
            settings["Egress:Enabled"] = "true";
            settings["Egress:Url"] = "http://127.0.0.1:0";
            // Every test target is on loopback, mapped there by the resolver seam.
            settings["Egress:AllowLocalDestinations"] = "true";
            settings["Egress:HeaderTimeout"] = "00:00:01";
            settings["Egress:ClientHelloTimeout"] = "00:00:02";
            settings["Egress:IdleTimeout"] = "00:00:10";
            settings["Egress:MaxInspectedBodyBytes"] = MaxInspectedBodyBytes.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in _options.Settings)
        {
            settings[key] = value;
        }

        var builder = GatewayApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        _options.Configure?.Invoke(builder.Configuration);
        if (_options.FakeShadowAiDetector)
        {
            builder.Services.AddSingleton<IShadowAiDetector>(Detector);
        }

        if (_options.Egress)
        {
            builder.Services.AddSingleton<IEgressResolver>(Resolver);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        _gateway = GatewayApplication.Build(builder);
        await _gateway.StartAsync();

        BaseAddress = ServerAddress.Of(_gateway);
        Client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        if (_options.Egress)
        {
            EgressEndPoint = _gateway.Services.GetRequiredService<EgressListener>().EndPoint
                ?? throw new InvalidOperationException("The egress listener did not bind.");
            Assert.NotEqual(0, EgressEndPoint.Port);
        }
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

    /// <summary>An HttpClient that goes through the egress proxy and trusts the TLS test server's certificate.</summary>
    public HttpClient CreateProxiedClient() => new(new SocketsHttpHandler
    {
        Proxy = new WebProxy(ProxyUri),
        UseProxy = true,
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = { RemoteCertificateValidationCallback = IsTestServerCertificate },
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Trusts the TLS test server's self-signed certificate and nothing else.</summary>
    public bool IsTestServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        => certificate is not null && certificate.GetCertHashString() == TlsServer.Certificate.GetCertHashString();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_tlsServer is not null)
        {
            await _tlsServer.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}

/// <summary>The gateway with the tier-2 model loaded (INT8, built once into the user's model cache).</summary>
public sealed class Tier2GatewayFixture() : GatewayFixture(new GatewayFixtureOptions
{
    Tier2 = true,
    Settings = new Dictionary<string, string?>
    {
        // A long document's budget grows by this much per window beyond the first. The default (15 ms) fits an idle
        // machine; shared CI machines run the test projects side by side, so the long-document test gets room here.
        // That the budget scales at all is unit-tested on fake time (ModelPromptInjectionDetectorTests).
        ["Screening:Tier2:BudgetPerExtraWindow"] = "00:00:00.100",
    },
});

/// <summary>The gateway with shadow-AI detection enforcing: unsanctioned AI is blocked; the identity <c>build-bot</c> may use any.</summary>
public sealed class ShadowAiEnforceGatewayFixture() : GatewayFixture(new GatewayFixtureOptions
{
    Settings = new Dictionary<string, string?>
    {
        ["ShadowAi:Mode"] = "Enforce",
        ["ShadowAi:Exceptions:0:Identities:0"] = "build-bot",
        ["ShadowAi:Exceptions:0:Providers:0"] = "*",
    },
});

/// <summary>The gateway with its egress listener, deciding shadow AI with a <see cref="FakeShadowAiDetector"/>.</summary>
public sealed class EgressGatewayFixture() : GatewayFixture(new GatewayFixtureOptions { Egress = true, FakeShadowAiDetector = true });

/// <summary>
/// The egress proxy with the gateway's real detector and catalog, enforcing: only OpenAI is sanctioned. The resolver
/// sends api.openai.com and api.anthropic.com to the TLS test server and everything else to the fake upstream.
/// </summary>
public sealed class RealDetectorEgressGatewayFixture() : GatewayFixture(new GatewayFixtureOptions
{
    Egress = true,
    Settings = new Dictionary<string, string?>
    {
        ["ShadowAi:Mode"] = "Enforce",
        ["ShadowAi:Sanctioned:0"] = "openai",
        // The shipped defaults sanction two more: override them (array entries bind by index).
        ["ShadowAi:Sanctioned:1"] = "openai",
        ["ShadowAi:Sanctioned:2"] = "openai",
        // The identity "lab" may use any AI (its prompts are still screened).
        ["ShadowAi:Exceptions:0:Identities:0"] = "lab",
        ["ShadowAi:Exceptions:0:Providers:0"] = "*",
    },
});

/// <summary>The gateway with latency alerts no request can meet (p95 and average over zero, from one request, every 50 ms).</summary>
public sealed class AlertingGatewayFixture() : GatewayFixture(new GatewayFixtureOptions
{
    Settings = new Dictionary<string, string?>
    {
        ["Monitoring:Alerts:P95"] = "00:00:00",
        ["Monitoring:Alerts:Average"] = "00:00:00",
        ["Monitoring:Alerts:MinimumCount"] = "1",
        ["Monitoring:Alerts:Interval"] = "00:00:00.050",
    },
});
