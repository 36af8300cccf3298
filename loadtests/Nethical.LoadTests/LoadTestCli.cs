using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;
using Nethical.LoadTests.Scenarios;
using Nethical.LoadTests.Targets;
using Spectre.Console;

namespace Nethical.LoadTests;

/// <summary>The harness's command line: a load run (the default) or the plain-YARP baseline server (<c>--baseline-server</c>).</summary>
internal static class LoadTestCli
{
    public static RootCommand Build()
    {
        var scenario = new Option<string>("--scenario") { Description = "passthrough | tier1 | realistic | cache | streaming | overload | egress", DefaultValueFactory = _ => "passthrough" };
        var rate = new Option<double>("--rate") { Description = "Open model: requests per second (step k runs at k × rate)", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Open model: rate steps", DefaultValueFactory = _ => 1 };
        var stepDuration = new Option<string>("--step-duration") { Description = "Length of each step", DefaultValueFactory = _ => "10s" };
        var duration = new Option<string>("--duration") { Description = "Measured time per target and round (without steps)", DefaultValueFactory = _ => "30s" };
        var warmup = new Option<string>("--warmup") { Description = "Warm-up before each measurement, not counted", DefaultValueFactory = _ => "5s" };
        var clients = new Option<int>("--clients") { Description = "Closed model: this many clients instead of a rate" };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Open model: in-flight cap (over it: dropped by the generator)", DefaultValueFactory = _ => 4096 };
        var timeout = new Option<string>("--timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => "30s" };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each measures every target once, YARP first", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the request mix", DefaultValueFactory = _ => 42 };
        var streamShare = new Option<double>("--stream-share") { Description = "Share of requests with \"stream\": true (0–1)" };
        var workingSet = new Option<int>("--working-set") { Description = "cache scenario: distinct bodies the requests repeat", DefaultValueFactory = _ => 500 };
        var recovery = new Option<string?>("--recovery") { Description = "Open model: a tail at 10 % of the rate after the measured phase, measured apart (default 5s for overload, none otherwise)" };
        var data = new Option<string?>("--data") { Description = "Folder of the shared prompt data for the realistic mix's user turns (default: ../shared/data from the repository root when present; none: generated words)" };
        var history = new Option<string>("--history") { Description = "The realistic mix's history: conversations (live conversations per application, each request resends the history with one new user turn) or fresh (every turn new)", DefaultValueFactory = _ => "conversations" };
        var upstreamLatency = new Option<string>("--upstream-latency") { Description = "The fake upstream's latency", DefaultValueFactory = _ => "0ms" };
        var targets = new Option<string[]>("--targets") { Description = "Targets measured each round: yarp, gateway, upstream (direct); default yarp,gateway. The egress scenario: proxy (plain forward proxy), gateway (its egress listener), upstream (direct); default proxy,gateway", AllowMultipleArgumentsPerToken = true };
        var reports = new Option<string?>("--reports") { Description = "Reports folder (default: loadtests/reports)" };
        var baselineServer = new Option<bool>("--baseline-server") { Description = "Run as the plain-YARP baseline server (started by the harness)", Hidden = true };
        var port = new Option<int>("--port") { Hidden = true };
        var upstream = new Option<string?>("--upstream") { Hidden = true };
        var forwardProxyServer = new Option<bool>("--forward-proxy-server") { Description = "Run as the plain forward proxy, the egress scenario's baseline (started by the harness)", Hidden = true };

        var root = new RootCommand("Nethical load tests: the gateway against plain YARP, open or closed model, on loopback only")
        {
            scenario, rate, steps, stepDuration, duration, warmup, clients, maxInFlight, timeout, rounds, seed, streamShare,
            workingSet, recovery, data, history, upstreamLatency, targets, reports, baselineServer, forwardProxyServer, port, upstream,
        };
        root.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(baselineServer))
            {
                return await BaselineServer.RunAsync(parseResult.GetValue(port), new Uri(parseResult.GetValue(upstream)!), cancellationToken);
            }

            if (parseResult.GetValue(forwardProxyServer))
            {
                return await PlainForwardProxy.RunAsync(parseResult.GetValue(port), cancellationToken);
            }

            if (!HistoryModes.TryParse(parseResult.GetValue(history), out var historyMode))
            {
                AnsiConsole.MarkupLine("[red]--history takes conversations or fresh.[/]");
                return 2;
            }

            var settings = new LoadSettings
            {
                Scenario = ScenarioCatalog.Get(parseResult.GetValue(scenario)!).Name,
                Rate = parseResult.GetValue(rate),
                Steps = parseResult.GetValue(steps),
                StepDuration = Duration.Parse(parseResult.GetValue(stepDuration)!),
                Duration = Duration.Parse(parseResult.GetValue(duration)!),
                Warmup = Duration.Parse(parseResult.GetValue(warmup)!),
                Clients = parseResult.GetValue(clients),
                MaxInFlight = parseResult.GetValue(maxInFlight),
                RequestTimeout = Duration.Parse(parseResult.GetValue(timeout)!),
                Seed = parseResult.GetValue(seed),
                StreamShare = parseResult.GetValue(streamShare),
                WorkingSet = parseResult.GetValue(workingSet),
                History = historyMode,
            };
            var scenarioName = settings.Scenario;
            var dataDirectory = parseResult.GetValue(data) switch
            {
                null => Path.GetFullPath(Path.Combine(ProxyRouting.RepositoryRoot(), "..", "shared", "data")),
                "none" or "" => null,
                { } given => Path.GetFullPath(given),
            };
            var prompts = PromptData.Load(dataDirectory);
            if (prompts is null && parseResult.GetValue(data) is { Length: > 0 } asked && asked != "none")
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]no prompt data in {asked}: the user turns are generated words[/]");
            }

            settings = settings with
            {
                DataDirectory = prompts?.Directory,
                Prompts = prompts,
                RecoveryDuration = parseResult.GetValue(recovery) is { } tail ? Duration.Parse(tail) : scenarioName == "overload" ? TimeSpan.FromSeconds(5) : TimeSpan.Zero,
            };
            if (settings.WorkingSet < 1)
            {
                AnsiConsole.MarkupLine("[red]--working-set takes a count of at least 1.[/]");
                return 2;
            }

            return await LoadTestRun.RunAsync(
                settings,
                Math.Max(1, parseResult.GetValue(rounds)),
                parseResult.GetValue(targets) ?? [],
                Duration.Parse(parseResult.GetValue(upstreamLatency)!),
                parseResult.GetValue(reports) ?? Path.Combine(ProxyRouting.RepositoryRoot(), "loadtests", "reports"),
                cancellationToken);
        });
        return root;
    }
}
