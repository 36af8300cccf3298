using System.Diagnostics;

namespace Nethical.Gateway.Tests.Egress;

/// <summary>Runs curl through the egress proxy (<c>-x</c>), trusting any certificate (<c>-k</c>), bounded in time.</summary>
internal static class Curl
{
    public const string Path = "/usr/bin/curl";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Uri proxy, string url, CancellationToken cancellationToken, params string[] extra)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-sS", "--max-time", "8", "--noproxy", "", "-x", proxy.ToString(), "-k" }.Concat(extra).Append(url))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(s_timeout, cancellationToken);
        return (process.ExitCode, await output.WaitAsync(s_timeout, cancellationToken), await error.WaitAsync(s_timeout, cancellationToken));
    }
}
