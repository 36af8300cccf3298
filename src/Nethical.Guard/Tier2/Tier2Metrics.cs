using System.Diagnostics.Metrics;

namespace Nethical.Guard.Tier2;

/// <summary>Tier 2's own instruments: circuit-breaker transitions and degraded verdicts (by cause).</summary>
internal sealed class Tier2Metrics
{
    private readonly Counter<long> _breaker;
    private readonly Counter<long> _degraded;

    public Tier2Metrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(GuardDiagnostics.MeterName);
        _breaker = meter.CreateCounter<long>("nethical.tier2.breaker.transitions", unit: "{transition}", description: "Tier-2 circuit-breaker state changes, by the state entered.");
        _degraded = meter.CreateCounter<long>("nethical.tier2.degraded", unit: "{request}", description: "Requests that got the tier-1 fallback instead of a tier-2 verdict, by cause.");
    }

    internal void BreakerChanged(string state)
    {
        if (_breaker.Enabled)
        {
            _breaker.Add(1, new KeyValuePair<string, object?>("state", state));
        }
    }

    internal void Degraded(string cause)
    {
        if (_degraded.Enabled)
        {
            _degraded.Add(1, new KeyValuePair<string, object?>("cause", cause));
        }
    }
}
