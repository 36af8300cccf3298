using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Nethical.Gateway.Egress;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Tests.Infrastructure;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Egress;

/// <summary>
/// The real gateway with its egress listener on a loopback port, a fake detector and a resolver that sends every host
/// to a local server: the TLS test server for the AI hosts, the fake LLM upstream for everything else.
/// </summary>
public class EgressFixture : IAsyncLifetime
{
    public const int MaxInspectedBodyBytes = 64 * 1024;

    private WebApplication? _gateway;

    public FakeShadowAiDetector Detector { get; } = new();

    public TestEgressResolver Resolver { get; } = new();

    public FakeLlmUpstream Upstream { get; } = new();

    public TlsTestServer TlsServer { get; } = new();

    public IPEndPoint EgressEndPoint { get; private set; } = null!;

    public Uri ProxyUri => new($"http://127.0.0.1:{EgressEndPoint.Port}");

    public IServiceProvider Services => _gateway!.Services;

    public FakeLogCollector Logs => _gateway!.Services.GetFakeLogCollector();

    /// <summary>True: the gateway's own detector and catalog decide (configured by <see cref="Configure"/>); false: the fake.</summary>
    protected virtual bool UseRealDetector => false;

    /// <summary>Adds or overrides settings before the gateway is built.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        await TlsServer.StartAsync();
        Resolver.DefaultPort = Upstream.BaseAddress.Port;
        Resolver.Ports[FakeShadowAiDetector.OpenAiHost] = TlsServer.Port;
        Resolver.Ports[FakeShadowAiDetector.AnthropicHost] = TlsServer.Port;

        var builder = GatewayApplication.CreateBuilder([]);
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Screening:Tier2:Enabled"] = "false",
            ["Egress:Enabled"] = "true",
            ["Egress:Url"] = "http://127.0.0.1:0",
            // Every test target is on loopback, mapped there by the resolver seam.
            ["Egress:AllowLocalDestinations"] = "true",
            ["Egress:HeaderTimeout"] = "00:00:01",
            ["Egress:ClientHelloTimeout"] = "00:00:02",
            ["Egress:IdleTimeout"] = "00:00:10",
            ["Egress:MaxInspectedBodyBytes"] = MaxInspectedBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Configure(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        if (!UseRealDetector)
        {
            builder.Services.AddSingleton<IShadowAiDetector>(Detector);
        }
        builder.Services.AddSingleton<IEgressResolver>(Resolver);
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        _gateway = GatewayApplication.Build(builder);
        await _gateway.StartAsync();
        EgressEndPoint = _gateway.Services.GetRequiredService<EgressListener>().EndPoint
            ?? throw new InvalidOperationException("The egress listener did not bind.");
        Assert.NotEqual(0, EgressEndPoint.Port);
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
    public bool IsTestServerCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors)
        => certificate is not null && certificate.GetCertHashString() == TlsServer.Certificate.GetCertHashString();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await TlsServer.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

/// <summary>
/// The egress proxy with the gateway's real detector and catalog, enforcing: only OpenAI is sanctioned. The resolver
/// sends api.openai.com and api.anthropic.com to the TLS test server and everything else to the fake upstream.
/// </summary>
public sealed class RealDetectorEgressFixture : EgressFixture
{
    protected override bool UseRealDetector => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["ShadowAi:Mode"] = "Enforce";
        settings["ShadowAi:Sanctioned:0"] = "openai";
        // The shipped defaults sanction two more: override them (array entries bind by index).
        settings["ShadowAi:Sanctioned:1"] = "openai";
        settings["ShadowAi:Sanctioned:2"] = "openai";
        // The identity "lab" may use any AI (its prompts are still screened).
        settings["ShadowAi:Exceptions:0:Identities:0"] = "lab";
        settings["ShadowAi:Exceptions:0:Providers:0"] = "*";
    }
}
