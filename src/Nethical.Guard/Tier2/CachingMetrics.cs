using System.Diagnostics.Metrics;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Instruments of the tier-2 <see cref="VerdictCache"/> and <see cref="RequestCoalescer{TKey, TValue}"/>, on the
/// <see cref="GuardDiagnostics.MeterName"/> meter.
/// </summary>
internal sealed class CachingMetrics
{
    private static readonly KeyValuePair<string, object?> s_hit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> s_miss = new("result", "miss");

    private readonly Counter<long> _requests;
    private readonly Counter<long> _coalesced;

    /// <summary>Creates the instruments on the meter that <paramref name="meterFactory"/> returns for <see cref="GuardDiagnostics.MeterName"/>.</summary>
    public CachingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        var meter = meterFactory.Create(GuardDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>("nethical.tier2.cache.requests", unit: "{request}", description: "Verdict cache lookups, by result (hit or miss).");
        _coalesced = meter.CreateCounter<long>(
            "nethical.tier2.coalesced",
            unit: "{request}",
            description: "Requests that joined an evaluation already in flight for the same key instead of starting their own.");
    }

    internal void CacheLookup(bool hit)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, hit ? s_hit : s_miss);
        }
    }

    internal void Coalesced()
    {
        if (_coalesced.Enabled)
        {
            _coalesced.Add(1);
        }
    }
}
