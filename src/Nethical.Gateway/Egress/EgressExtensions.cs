using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nethical.Gateway.Hosting;
using Nethical.Gateway.Screening;
using Nethical.Gateway.ShadowAi;

namespace Nethical.Gateway.Egress;

/// <summary>Registers the egress (forward-proxy) listener and binds it to Kestrel.</summary>
public static class EgressExtensions
{
    /// <summary>
    /// Adds the egress listener's services and options (section <c>Egress</c>): the connection handler, the DNS
    /// <see cref="IEgressResolver"/> (replaceable), YARP's forwarder and the metrics, and what egress decides with:
    /// shadow-AI detection (<see cref="ShadowAiExtensions.AddShadowAi"/>) and prompt screening with its audit log
    /// (<see cref="ScreeningExtensions.AddScreening"/>). Calling it twice, or those too, before or after, registers nothing twice.
    /// </summary>
    public static IServiceCollection AddEgress(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ServiceChecks.TryAddOnce<EgressListener>(services))
        {
            return services;
        }
        services.AddOptions<EgressOptions>()
            .BindConfiguration(EgressOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(static o => !o.Enabled || TryParseUrl(o.Url, out _), "Egress:Url must be http://<IP address or localhost>:<port>.")
            .ValidateOnStart();
        services.AddScreening();
        services.AddShadowAi();
        services.AddMetrics();
        services.AddHttpForwarder();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEgressResolver, DnsEgressResolver>();
        services.TryAddSingleton<EgressForwardingClient>();
        services.TryAddSingleton<EgressMetrics>();
        services.TryAddSingleton<EgressDecider>();
        services.TryAddSingleton<EgressPromptScreening>();
        services.TryAddSingleton<ConnectTunnel>();
        services.TryAddSingleton<AbsoluteFormForwarder>();
        services.TryAddTransient<EgressConnectionHandler>();
        return services;
    }

    /// <summary>
    /// Listens for proxied traffic on <see cref="EgressOptions.Url"/> when <see cref="EgressOptions.Enabled"/> is true.
    /// The options are read when the server starts, so configuration added after this call still counts.
    /// </summary>
    public static IWebHostBuilder UseEgress(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureKestrel(static kestrel => ConfigureEgress(kestrel));
        return builder;
    }

    /// <summary>Adds the egress endpoint to <paramref name="kestrel"/> (what <see cref="UseEgress"/> does at start-up).</summary>
    public static void ConfigureEgress(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var services = kestrel.ApplicationServices;
        ServiceChecks.VerifyRegistered<EgressListener>(services, "AddEgress");
        var listener = services.GetRequiredService<EgressListener>();
        var options = services.GetRequiredService<IOptions<EgressOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        if (!TryParseUrl(options.Url, out var endPoint))
        {
            throw new InvalidOperationException($"Egress:Url '{options.Url}' must be http://<IP address or localhost>:<port>.");
        }

        kestrel.Listen(endPoint, listen =>
        {
            listen.UseConnectionHandler<EgressConnectionHandler>();
            listener.ListenOptions = listen;
        });
    }

    internal static bool TryParseUrl(string? url, out IPEndPoint endPoint)
    {
        endPoint = null!;
        const string Prefix = "http://";
        if (url is null || !url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authority = url[Prefix.Length..].TrimEnd('/');
        if (authority.StartsWith("*:", StringComparison.Ordinal) || authority.StartsWith("+:", StringComparison.Ordinal))
        {
            authority = "0.0.0.0" + authority[1..];
        }

        if (authority.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            authority = "127.0.0.1" + authority["localhost".Length..];
        }

        if (!ProxyRequestTarget.TryParseAuthority(authority, out var host, out var port) && !TryPortZero(authority, out host, out port))
        {
            return false;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    private static bool TryPortZero(string authority, out string host, out int port)
    {
        // Port 0 (pick a free one) is valid for a listener, not for a target.
        port = 0;
        host = string.Empty;
        if (!authority.EndsWith(":0", StringComparison.Ordinal))
        {
            return false;
        }

        host = authority[..^2].Trim('[', ']');
        return true;
    }
}

/// <summary>The egress endpoint as bound (its port is known once the server has started, even when configured as 0).</summary>
internal sealed class EgressListener
{
    internal ListenOptions? ListenOptions { get; set; }

    /// <summary>The bound endpoint, or null when egress is disabled or the server has not started.</summary>
    public IPEndPoint? EndPoint => ListenOptions?.EndPoint as IPEndPoint;
}
