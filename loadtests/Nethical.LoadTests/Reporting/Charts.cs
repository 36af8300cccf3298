using Nethical.LoadTests.Running;
using ScottPlot;

namespace Nethical.LoadTests.Reporting;

/// <summary>Latency (p99 per second) and throughput (completed per second) over time, one line per target and round.</summary>
internal static class Charts
{
    /// <summary>Writes the charts (PNG; SVG when the native Skia library cannot be loaded) and returns their file names, or why they are missing.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<RunResult> results)
    {
        try
        {
            return WriteAll(folder, results, svg: false);
        }
        catch (Exception exception) when (exception is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            try
            {
                return WriteAll(folder, results, svg: true);
            }
            catch (Exception inner) when (inner is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
            {
                return [$"charts not written: ScottPlot's native Skia library did not load ({inner.GetType().Name}: {inner.Message})"];
            }
        }
    }

    private static List<string> WriteAll(string folder, IReadOnlyList<RunResult> results, bool svg)
    {
        var extension = svg ? "svg" : "png";
        var latency = $"latency.{extension}";
        var throughput = $"throughput.{extension}";
        Save(Plot("p99 latency per second", "p99 (ms)", results, static s => s.P99Ms), Path.Combine(folder, latency), svg);
        Save(Plot("throughput per second", "completed per second", results, static s => s.Completed), Path.Combine(folder, throughput), svg);
        return [latency, throughput];
    }

    private static Plot Plot(string title, string yLabel, IReadOnlyList<RunResult> results, Func<SecondSample, double> value)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("second of the measured phase");
        plot.YLabel(yLabel);
        foreach (var result in results)
        {
            if (result.Series.Count == 0)
            {
                continue;
            }

            var xs = result.Series.Select(static s => (double)s.Second).ToArray();
            var ys = result.Series.Select(value).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = $"{result.Label} round {result.Round}";
        }

        plot.ShowLegend();
        return plot;
    }

    private static void Save(Plot plot, string path, bool svg)
    {
        if (svg)
        {
            plot.SaveSvg(path, 900, 500);
        }
        else
        {
            plot.SavePng(path, 900, 500);
        }
    }
}
