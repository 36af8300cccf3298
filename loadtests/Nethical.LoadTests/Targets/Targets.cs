using System.Diagnostics;

namespace Nethical.LoadTests.Targets;

/// <summary>Starts the two servers under test: the gateway's Release build and plain YARP (this program's baseline mode).</summary>
internal static class Targets
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The gateway (Release build, built first when its dll is missing) with the scenario's policy, every cluster sent to <paramref name="upstream"/>.</summary>
    public static async Task<ServerProcess> StartGatewayAsync(Uri upstream, IEnumerable<string> scenarioArguments, CancellationToken cancellationToken)
    {
        var root = ProxyRouting.RepositoryRoot();
        var dll = Path.Combine(root, "src", "Nethical.Gateway", "bin", "Release", "net10.0", "Nethical.Gateway.dll");
        if (!File.Exists(dll))
        {
            await BuildGatewayAsync(root, cancellationToken);
        }

        var port = LoopbackPort.Next();
        var arguments = new List<string>
        {
            dll,
            $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{port}",
            "--Egress:Enabled=false",
            "--Audit:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        };
        foreach (var pair in ProxyRouting.DestinationOverrides(Path.Combine(root, "appsettings", "appsettings.json"), upstream))
        {
            arguments.Add($"--{pair.Key}={pair.Value}");
        }

        arguments.AddRange(scenarioArguments);
        return await ServerProcess.StartAsync("gateway", DotnetHost(), arguments, root, port, StartTimeout, cancellationToken);
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
