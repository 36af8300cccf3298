using Nethical.Gateway.Diagnostics;
using Nethical.Gateway.Egress;
using Nethical.Gateway.GuardApi;
using Nethical.Gateway.Monitoring;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Nethical.Gateway.Screening;
using Nethical.Gateway.ShadowAi;

namespace Nethical.Gateway.Hosting;

/// <summary>Builds the gateway host. <c>Program</c> and the functional tests share it.</summary>
public static class GatewayApplication
{
    /// <summary>Environment variable naming the folder of <c>appsettings*.json</c> files (default: <c>appsettings/</c> under the working directory).</summary>
    public const string ConfigDirectoryVariable = "NETHICAL_CONFIG_DIR";

    private const string EmbeddedDefaults = "Nethical.Gateway.appsettings.json";
    private const string EmbeddedCatalog = "Nethical.Gateway.ai-catalog.json";

    /// <summary>
    /// Creates the builder with the gateway's configuration: <c>appsettings/appsettings.json</c> and
    /// <c>appsettings/ai-catalog.json</c> (each from disk, reloaded on change, or the copy built into the assembly when the
    /// file is absent), <c>appsettings/appsettings.{Environment}.json</c> (optional, reloaded), environment variables and
    /// the command line.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;
        configuration.Sources.Clear();

        var directory = Environment.GetEnvironmentVariable(ConfigDirectoryVariable)
            ?? FindConfigDirectory(builder.Environment.ContentRootPath);
        // Each file comes from disk when it is there (reloaded on change), else from the copy built into the assembly.
        // Never both: the configuration binder merges arrays by index, so a shorter list on disk (fewer sanctioned
        // providers, a catalog with an entry removed) would keep the built-in entries past its end.
        AddJson(configuration, directory, "appsettings.json", EmbeddedDefaults);
        // The AI endpoint catalog lives in its own file and reloads live like the rest.
        AddJson(configuration, directory, "ai-catalog.json", EmbeddedCatalog);
        configuration.AddJsonFile(Path.Combine(directory, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);

        builder.Services.AddScreening();
        builder.Services.AddMonitoring();
        builder.Services.AddShadowAi();
        builder.Services.AddEgress();
        builder.WebHost.UseEgress();
        AddTelemetryExport(builder);
        builder.Services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransforms(ScreeningResponseTransform.Add);
        return builder;
    }

    private static void AddJson(ConfigurationManager configuration, string directory, string file, string resource)
    {
        var path = Path.Combine(directory, file);
        if (File.Exists(path))
        {
            configuration.AddJsonFile(path, optional: true, reloadOnChange: true);
            return;
        }

        var embedded = typeof(GatewayApplication).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource '{resource}' is missing from the gateway assembly.");
        configuration.AddJsonStream(embedded);
    }

    /// <summary>
    /// The <c>Nethical.Gateway</c> meter (and ASP.NET Core's and Kestrel's) on a Prometheus scrape endpoint,
    /// <c>/metrics</c>, unless <c>Monitoring:Prometheus</c> is false; and, when the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting names a collector, those meters and the activity sources (the gateway's
    /// and YARP's) over OTLP too.
    /// </summary>
    private static void AddTelemetryExport(WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var prometheus = PrometheusEnabled(builder.Configuration);
        if (!otlp && !prometheus)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService("nethical-gateway"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayDiagnostics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(static tracing => tracing
                .AddSource(GatewayDiagnostics.MeterName, "Yarp.ReverseProxy")
                .AddOtlpExporter());
        }
    }

    private static bool PrometheusEnabled(IConfiguration configuration)
        => !bool.TryParse(configuration["Monitoring:Prometheus"], out var enabled) || enabled;

    /// <summary>
    /// <c>appsettings/</c> under the content root or, within two levels above it, the nearest one that holds an
    /// <c>appsettings.json</c>: <c>dotnet run --project src/Nethical.Gateway</c> runs in the project folder, and the
    /// repository's configuration sits at the top.
    /// </summary>
    internal static string FindConfigDirectory(string contentRoot)
    {
        var directory = new DirectoryInfo(contentRoot);
        for (var level = 0; level <= 2 && directory is not null; level++, directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "appsettings");
            if (File.Exists(Path.Combine(candidate, "appsettings.json")))
            {
                return candidate;
            }
        }

        return Path.Combine(contentRoot, "appsettings");
    }

    /// <summary>Builds the application and maps the guard API, health check and proxy.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.MapGuardApi();
        app.MapMonitoring();
        if (PrometheusEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint();
        }
        app.MapShadowAiApi();
        app.MapReverseProxy(static proxy =>
        {
            proxy.UseScreening();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseShadowAi();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
