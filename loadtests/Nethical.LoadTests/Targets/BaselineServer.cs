using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nethical.LoadTests.Targets;

/// <summary>Plain YARP: the gateway's routes and clusters (from its appsettings, every destination at the upstream), nothing else.</summary>
internal static class BaselineServer
{
    public static async Task<int> RunAsync(int port, Uri upstream, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var settings = ProxyRouting.SettingsPath();
        builder.Configuration.AddJsonFile(settings, optional: false);
        builder.Configuration.AddInMemoryCollection(ProxyRouting.DestinationOverrides(settings, upstream));
        // The gateway's own Kestrel endpoint is replaced, not added to.
        builder.Configuration.AddInMemoryCollection([new("Kestrel:Endpoints:Http:Url", $"http://127.0.0.1:{port}")]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        var app = builder.Build();
        app.MapGet("/healthz", static () => "ok");
        app.MapReverseProxy();
        await app.StartAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or the harness's kill.
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
