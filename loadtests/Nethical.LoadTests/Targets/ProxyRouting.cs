using Microsoft.Extensions.Configuration;

namespace Nethical.LoadTests.Targets;

/// <summary>The gateway's <c>ReverseProxy</c> section, read from its appsettings, with every destination turned to the fake upstream.</summary>
internal static class ProxyRouting
{
    /// <summary>The gateway's appsettings.json: copied next to this program, or found from the repository root.</summary>
    public static string SettingsPath()
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "gateway-appsettings.json");
        return File.Exists(copy) ? copy : Path.Combine(RepositoryRoot(), "appsettings", "appsettings.json");
    }

    /// <summary>Keys and values that send every destination of every cluster to <paramref name="upstream"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> DestinationOverrides(string settingsPath, Uri upstream)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(settingsPath, optional: false).Build();
        var overrides = new List<KeyValuePair<string, string?>>();
        foreach (var cluster in configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                overrides.Add(new($"ReverseProxy:Clusters:{cluster.Key}:Destinations:{destination.Key}:Address", upstream.ToString()));
            }
        }

        if (overrides.Count == 0)
        {
            throw new InvalidOperationException($"No ReverseProxy cluster destinations found in {settingsPath}.");
        }

        return overrides;
    }

    /// <summary>How many providers <c>ShadowAi:Sanctioned</c> lists (the index at which one more is added from the command line).</summary>
    public static int SanctionedCount(string settingsPath) =>
        new ConfigurationBuilder().AddJsonFile(settingsPath, optional: false).Build().GetSection("ShadowAi:Sanctioned").GetChildren().Count();

    /// <summary>The folder that holds Nethical.Gateway.sln, searched from this program's folder and the working directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Nethical.Gateway.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Nethical.Gateway.sln not found above the program's folder or the working directory.");
    }
}
