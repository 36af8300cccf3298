using System.Diagnostics.Metrics;
using Nethical.Gateway.Diagnostics;

namespace Nethical.Gateway.Screening;

/// <summary>Screening instruments, named like ASP.NET Core's own.</summary>
internal sealed class ScreeningMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _unscreenable;

    public ScreeningMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayDiagnostics.MeterName);
        _duration = meter.CreateHistogram<double>(
            "nethical.screening.duration",
            unit: "s",
            description: "Time spent reading, extracting and screening a request body.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05] });
        _verdicts = meter.CreateCounter<long>("nethical.screening.verdicts", unit: "{request}", description: "Screened requests by action.");
        _unscreenable = meter.CreateCounter<long>("nethical.screening.unscreenable", unit: "{request}", description: "Requests that could not be screened, by reason.");
    }

    public void Screened(string route, string verdict, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalSeconds, new("nethical.route", route), new("nethical.verdict", verdict));
        }

        if (_verdicts.Enabled)
        {
            _verdicts.Add(1, new("nethical.route", route), new("nethical.verdict", verdict));
        }
    }

    public void Unscreenable(string route, string reason, string verdict)
    {
        if (_unscreenable.Enabled)
        {
            _unscreenable.Add(1, new("nethical.route", route), new("nethical.reason", reason), new("nethical.verdict", verdict));
        }
    }
}
