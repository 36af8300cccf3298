using System.Globalization;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;
using Nethical.LoadTests.Scenarios;
using Nethical.LoadTests.Targets;
using Spectre.Console;

namespace Nethical.LoadTests;

/// <summary>One harness run: the upstream, the servers, the rounds (each target in turn), the summary and the report.</summary>
internal static class LoadTestRun
{
    private const string UpstreamPath = "/v1/chat/completions";

    public static async Task<int> RunAsync(LoadSettings settings, int rounds, IReadOnlyList<string> targetNames, TimeSpan upstreamLatency,
        string reportsRoot, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Get(settings.Scenario);
        // The egress scenario measures forward proxies: the plain forward proxy is its baseline, not YARP.
        var baseline = scenario.ForwardProxy ? "proxy" : "yarp";
        var names = targetNames.SelectMany(static t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(static t => t.ToLowerInvariant()).Distinct().ToList();
        if (names.Count == 0)
        {
            names = [baseline, "gateway"];
        }

        if (names.Any(t => t != baseline && t is not ("gateway" or "upstream")))
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]--targets takes {baseline}, gateway and upstream{(scenario.ForwardProxy ? " in the egress scenario" : "")}.[/]");
            return 2;
        }

        Console.WriteLine($"user turns: {UserTurns(scenario, settings)}");
        if (History(scenario, settings) is { Length: > 0 } history)
        {
            Console.WriteLine($"history: {history}");
        }

        var started = DateTimeOffset.UtcNow;
        var results = new List<RunResult>();
        var servers = new Dictionary<string, ServerProcess>();
        Console.CancelKeyPress += OnCancel;
        try
        {
            await using var upstream = await FakeUpstream.StartAsync(upstreamLatency, cancellationToken);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"fake upstream at [blue]{upstream.Address}[/] (latency {upstreamLatency.TotalMilliseconds:0} ms)");
            if (names.Contains("yarp"))
            {
                servers["yarp"] = await Targets.Targets.StartBaselineAsync(upstream.Address, cancellationToken);
            }

            if (names.Contains("proxy"))
            {
                servers["proxy"] = await Targets.Targets.StartForwardProxyAsync(cancellationToken);
            }

            if (names.Contains("gateway"))
            {
                AnsiConsole.MarkupLine(scenario.ForwardProxy
                    ? "starting the gateway with its egress listener (Release build; tier 2 loads at start, up to 120 s)…"
                    : "starting the gateway (Release build; tier 2 loads at start, up to 120 s)…");
                // The gateway's statistics window is the measured phase, so /v1/guard/metrics at its end speaks of it alone.
                var window = $"--Screening:StatisticsWindow={TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(settings.MeasuredDuration.TotalSeconds))):c}";
                servers["gateway"] = await Targets.Targets.StartGatewayAsync(upstream.Address, [.. scenario.GatewayArguments, window], cancellationToken, egress: scenario.ForwardProxy);
            }

            foreach (var server in servers.Values)
            {
                if (scenario.ForwardProxy && server.ProxyAddress is { } proxy)
                {
                    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{server.Name} at [blue]{server.Address}[/], forward proxy at [blue]{proxy}[/] (pid {server.ProcessId})");
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{server.Name} at [blue]{server.Address}[/] (pid {server.ProcessId})");
                }
            }

            var legs = Legs(scenario, names, servers, upstream.Address);
            for (var round = 1; round <= rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                foreach (var leg in legs)
                {
                    var runSettings = leg.Direct ? settings with { Path = UpstreamPath } : settings;
                    await using var probe = leg.Target == "gateway" ? GuardProbe.Start(servers["gateway"].Address) : null;
                    var result = await RunWithProgressAsync(leg, round, runSettings, cancellationToken);
                    if (probe is not null)
                    {
                        result = result with { Guard = await probe.StopAsync() };
                    }
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // A measurement cut short is not one: its counts and throughput would mislead the ratios.
                        AnsiConsole.MarkupLine("[yellow]cancelled: the report holds the finished measurements only[/]");
                        break;
                    }

                    results.Add(result with { Target = leg.Target, Mode = leg.Mode, Round = round });
                    PrintLine(results[^1]);
                    if (results[^1].Guard is { } guard)
                    {
                        Console.WriteLine($"         {guard.Describe()}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled: the report holds the finished measurements only[/]");
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
            foreach (var server in servers.Values)
            {
                await server.DisposeAsync();
            }
        }

        if (results.Count == 0)
        {
            return 1;
        }

        results = [.. RecoveryBaseline.Apply(results)];
        foreach (var r in results)
        {
            PrintRecovery(r);
        }

        var comparisons = Comparison.From(results, baseline);
        foreach (var comparison in comparisons)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gateway/{Comparison.BaselineName(comparison.Baseline)} ({comparison.Of}): throughput {comparison.GatewayThroughput:0.0} / {comparison.BaselineThroughput:0.0} req/s = {comparison.ThroughputRatio:0.000}, p50 added {comparison.P50AddedMs:+0.00;-0.00;0.00} ms, p99 added {comparison.P99AddedMs:+0.00;-0.00;0.00} ms"));
        }

        var folder = ReportWriter.FolderFor(reportsRoot, scenario.Name, started);
        var report = ReportWriter.Write(folder, new RunReport
        {
            Scenario = scenario.Name,
            ScenarioDescription = scenario.Description,
            StartedUtc = started,
            Settings = settings,
            UpstreamLatencyMs = upstreamLatency.TotalMilliseconds,
            UserTurns = UserTurns(scenario, settings),
            History = History(scenario, settings),
            Results = results,
            Comparisons = comparisons,
        });
        Console.WriteLine($"report: {folder}");
        foreach (var chart in report.Charts)
        {
            Console.WriteLine($"  {chart}");
        }

        return 0;

        static void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            // The first Ctrl-C lets the run end and the servers be killed in order; the kill here is the backstop.
            ServerProcess.KillAll();
        }
    }

    /// <summary>One measurement of a round: a target, and for the egress scenario the way through it (<c>direct</c> for the upstream).</summary>
    private sealed record Leg(string Target, Uri Address, ProxyRoute? Route, string Mode, bool Direct)
    {
        public string Label => Mode.Length == 0 ? Target : $"{Target} {Mode}";
    }

    /// <summary>
    /// The measurements of each round, in order: every target; in the egress scenario every forward proxy in CONNECT mode
    /// (baseline first), then every one in absolute form, then the upstream directly.
    /// </summary>
    private static List<Leg> Legs(LoadScenario scenario, List<string> names, Dictionary<string, ServerProcess> servers, Uri upstream)
    {
        if (!scenario.ForwardProxy)
        {
            return [.. names.Select(name => name == "upstream" ? new Leg(name, upstream, null, "", Direct: true) : new Leg(name, servers[name].Address, null, "", Direct: false))];
        }

        var legs = new List<Leg>();
        foreach (var mode in new[] { ProxyMode.Connect, ProxyMode.AbsoluteForm })
        {
            foreach (var name in names.Where(static n => n != "upstream"))
            {
                var route = new ProxyRoute(servers[name].ProxyAddress!, mode);
                legs.Add(new Leg(name, upstream, route, route.ModeName, Direct: true));
            }
        }

        if (names.Contains("upstream"))
        {
            legs.Add(new Leg("upstream", upstream, null, "direct", Direct: true));
        }

        return legs;
    }

    private static async Task<RunResult> RunWithProgressAsync(Leg leg, int round, LoadSettings settings, CancellationToken cancellationToken)
    {
        var target = leg.Label;
        var progress = new LoadProgress();
        var run = LoadRunner.RunAsync(settings, leg.Address, cancellationToken, progress, leg.Route);
        var table = new Table().AddColumns("target", "phase", "s", "sent", "done", "err", "drop", "rate", "p99 ms");
        table.AddRow("", "", "", "", "", "", "", "", "");
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            long lastCompleted = 0;
            var lastTime = TimeSpan.Zero;
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(1000, CancellationToken.None));
                var elapsed = progress.Elapsed;
                var completed = progress.Completed;
                var currentRate = elapsed > lastTime ? (completed - lastCompleted) / (elapsed - lastTime).TotalSeconds : 0;
                (lastCompleted, lastTime) = (completed, elapsed);
                var inv = CultureInfo.InvariantCulture;
                table.UpdateCell(0, 0, $"{target} #{round}");
                table.UpdateCell(0, 1, progress.Phase);
                table.UpdateCell(0, 2, elapsed.TotalSeconds.ToString("0", inv));
                table.UpdateCell(0, 3, progress.Sent.ToString(inv));
                table.UpdateCell(0, 4, completed.ToString(inv));
                table.UpdateCell(0, 5, progress.Errors.ToString(inv));
                table.UpdateCell(0, 6, progress.Dropped.ToString(inv));
                table.UpdateCell(0, 7, currentRate.ToString("0", inv));
                table.UpdateCell(0, 8, progress.P99Ms.ToString("0.00", inv));
                context.Refresh();
            }
        });
        return await run;
    }

    private static void PrintLine(RunResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Label,-8} round {r.Round}: {r.Throughput,8:0.0} req/s  p50 {r.Latency.P50Ms:0.00} ms  p99 {r.Latency.P99Ms:0.00} ms  p99.9 {r.Latency.P999Ms:0.00} ms  max {r.Latency.MaxMs:0.00} ms  completed {r.Completed}/{r.Scheduled} (2xx {r.Ok}, errors {r.Errors}, dropped {r.DroppedByGenerator}, late {r.Late})  status {string.Join(' ', r.StatusCodes.Select(static p => $"{p.Key}:{p.Value}"))}{FirstByte(r.TimeToFirstByte)}"));

    private static string UserTurns(LoadScenario scenario, LoadSettings settings) =>
        scenario.Name is "passthrough" or "tier1" ? "generated words (short chats)" : PromptData.Describe(settings.Prompts);

    /// <summary>The realistic mix's history mode; empty for the short chats, which have none.</summary>
    private static string History(LoadScenario scenario, LoadSettings settings) =>
        scenario.Name is "passthrough" or "tier1" ? "" : HistoryModes.Describe(settings.History);

    private static void PrintRecovery(RunResult r)
    {
        if (r.Recovery is not { } tail)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"{r.Label,-8} round {r.Round}: shed {r.Shed} (Retry-After on {r.ShedWithRetryAfter}); admitted (not 503) p50 {r.AdmittedLatency.P50Ms:0.00} ms p99 {r.AdmittedLatency.P99Ms:0.00} ms max {r.AdmittedLatency.MaxMs:0.00} ms; tail {tail.Rate:0.#} req/s for {tail.DurationSeconds:0.#} s: recovered after {(tail.RecoveredAfterSeconds is { } s ? s.ToString(inv) + " s" : "no clean second")} (p99 < 2 × {tail.BaselineP99Ms:0.00} ms, {tail.BaselineOf}; calm 503s {tail.CalmShed}, errors {tail.CalmErrors}); per second {RecoveryReport.Series(tail)}"));
    }

    private static string FirstByte(LatencySummary? t) => t is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $"  ttfb p50 {t.P50Ms:0.00} ms p95 {t.P95Ms:0.00} ms p99 {t.P99Ms:0.00} ms max {t.MaxMs:0.00} ms");
}
