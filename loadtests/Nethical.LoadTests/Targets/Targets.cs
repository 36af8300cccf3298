using System.Diagnostics;

namespace Nethical.LoadTests.Targets;

/// <summary>
/// Starts the servers under test: the gateway's Release build, plain YARP (this program's baseline mode) and, for the
/// egress scenario, the plain forward proxy (this program's forward-proxy mode).
/// </summary>
internal static class Targets
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The gateway (Release build, built first when its dll is missing) with the scenario's policy, every cluster sent to
    /// <paramref name="upstream"/>. With <paramref name="egress"/>, its egress listener on a free loopback port too
    /// (<see cref="ServerProcess.ProxyAddress"/>), allowed to reach loopback and with <c>self-hosted</c> AI sanctioned;
    /// without, egress is off.
    /// </summary>
    public static async Task<ServerProcess> StartGatewayAsync(Uri upstream, IEnumerable<string> scenarioArguments, CancellationToken cancellationToken,
        bool egress = false)
    {
        var root = ProxyRouting.RepositoryRoot();
        var dll = Path.Combine(root, "src", "Nethical.Gateway", "bin", "Release", "net10.0", "Nethical.Gateway.dll");
        if (!File.Exists(dll))
        {
            await BuildGatewayAsync(root, cancellationToken);
        }

        var port = LoopbackPort.Next();
        var settings = Path.Combine(root, "appsettings", "appsettings.json");
        var arguments = new List<string>
        {
            dll,
            $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{port}",
            "--Audit:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        };
        Uri? egressAddress = null;
        if (egress)
        {
            var egressPort = LoopbackPort.Next();
            egressAddress = new Uri($"http://127.0.0.1:{egressPort}/");
            arguments.AddRange(EgressArguments(settings, egressPort));
        }
        else
        {
            arguments.Add("--Egress:Enabled=false");
        }

        foreach (var pair in ProxyRouting.DestinationOverrides(settings, upstream))
        {
            arguments.Add($"--{pair.Key}={pair.Value}");
        }

        arguments.AddRange(scenarioArguments);
        return await ServerProcess.StartAsync("gateway", DotnetHost(), arguments, root, port, StartTimeout, cancellationToken, egressAddress);
    }

    /// <summary>
    /// The egress listener on 127.0.0.1:<paramref name="port"/>. The harness sends it loopback IP literals only (the
    /// fake upstream's 127.0.0.1:port), so its DNS resolver is never asked; loopback must be allowed as a destination
    /// (it is refused by default), and the OpenAI-shaped requests to it, which the detector finds by path and body as
    /// <c>self-hosted</c> AI, are sanctioned: they go out after prompt screening under the default policy, as
    /// sanctioned AI traffic does.
    /// </summary>
    internal static IEnumerable<string> EgressArguments(string settingsPath, int port)
    {
        yield return "--Egress:Enabled=true";
        yield return $"--Egress:Url=http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        yield return "--Egress:AllowLocalDestinations=true";
        yield return $"--ShadowAi:Sanctioned:{ProxyRouting.SanctionedCount(settingsPath).ToString(System.Globalization.CultureInfo.InvariantCulture)}=self-hosted";
    }

    /// <summary>The plain forward proxy (the egress scenario's baseline), this program in <c>--forward-proxy-server</c> mode in its own process.</summary>
    public static Task<ServerProcess> StartForwardProxyAsync(CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Next();
        var self = typeof(Targets).Assembly.Location;
        string[] arguments = [self, "--forward-proxy-server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return ServerProcess.StartAsync("proxy", DotnetHost(), arguments, AppContext.BaseDirectory, port, StartTimeout, cancellationToken,
            new Uri($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>Plain YARP with the gateway's routes, this program in <c>--baseline-server</c> mode in its own process.</summary>
    public static Task<ServerProcess> StartBaselineAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Next();
        var self = typeof(Targets).Assembly.Location;
        string[] arguments = [self, "--baseline-server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--upstream", upstream.ToString()];
        return ServerProcess.StartAsync("yarp", DotnetHost(), arguments, AppContext.BaseDirectory, port, StartTimeout, cancellationToken);
    }

    private static async Task BuildGatewayAsync(string root, CancellationToken cancellationToken)
    {
        Console.WriteLine("Building the gateway (Release): dotnet build -c Release src/Nethical.Gateway");
        var info = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in new[] { "build", "-c", "Release", "src/Nethical.Gateway", "-v", "quiet", "-nologo" })
        {
            info.ArgumentList.Add(argument);
        }

        using var build = Process.Start(info) ?? throw new InvalidOperationException("dotnet build did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await build.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            build.Kill(entireProcessTree: true);
            throw;
        }

        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build -c Release src/Nethical.Gateway failed with exit code {build.ExitCode}.");
        }
    }

    /// <summary>The dotnet host running this program (or the one on the PATH).</summary>
    private static string DotnetHost()
    {
        var path = Environment.ProcessPath;
        return path is not null && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? path : "dotnet";
    }
}
