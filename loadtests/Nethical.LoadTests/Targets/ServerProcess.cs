using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nethical.LoadTests.Targets;

/// <summary>
/// A server under test in its own process on a loopback port: started, waited for (<c>GET /healthz</c> = ok, bounded),
/// and always killed with its process tree (on dispose, on failure, on Ctrl-C and at process exit).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> s_running = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _outputTail = new();

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) => KillAll();
    }

    private ServerProcess(string name, Process process, Uri address, Uri? proxyAddress)
    {
        Name = name;
        _process = process;
        Address = address;
        ProxyAddress = proxyAddress;
    }

    public string Name { get; }

    /// <summary>Where it answers HTTP (and <c>GET /healthz</c>).</summary>
    public Uri Address { get; }

    /// <summary>Its forward-proxy listener (the gateway's egress port, or the plain forward proxy); null when it has none.</summary>
    public Uri? ProxyAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> and waits for its health check.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        int port, TimeSpan startTimeout, CancellationToken cancellationToken, Uri? proxyAddress = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: the process did not start.");
        s_running[process.Id] = process;
        var server = new ServerProcess(name, process, new Uri($"http://127.0.0.1:{port}/"), proxyAddress);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(startTimeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _outputTail.Enqueue(line);
        while (_outputTail.Count > 40 && _outputTail.TryDequeue(out _))
        {
        }
    }

    public string OutputTail => string.Join(Environment.NewLine, _outputTail);

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(Address, "/healthz");
        var deadline = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(deadline) < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was healthy:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                var body = await client.GetStringAsync(health, cancellationToken);
                if (body.Trim() == "ok")
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{Name} was not healthy at {health} within {timeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail}");
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        s_running.TryRemove(_process.Id, out _);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Killed; the OS reaps it.
        }

        _process.Dispose();
    }

    /// <summary>Kills every server still running (Ctrl-C, process exit).</summary>
    public static void KillAll()
    {
        foreach (var process in s_running.Values)
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
