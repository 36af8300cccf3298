using System.Diagnostics.Metrics;
using Nethical.Gateway.Diagnostics;

namespace Nethical.Gateway.Egress;

/// <summary>Egress instruments, on the gateway's meter.</summary>
internal sealed class EgressMetrics
{
    private readonly Counter<long> _requests;
    private readonly UpDownCounter<long> _activeTunnels;
    private readonly Counter<long> _tunnelBytes;

    public EgressMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>("nethical.egress.requests", unit: "{request}", description: "Proxied requests and tunnels by kind, provider, sanction and action.");
        _activeTunnels = meter.CreateUpDownCounter<long>("nethical.egress.tunnels.active", unit: "{tunnel}", description: "CONNECT tunnels open now.");
        _tunnelBytes = meter.CreateCounter<long>("nethical.egress.tunnel.bytes", unit: "By", description: "Bytes carried by CONNECT tunnels, by direction.");
    }

    public void Decided(string kind, ShadowAiVerdictTags verdict)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1,
                new("kind", kind),
                new("provider", verdict.Provider),
                new("sanctioned", verdict.Sanctioned),
                new("action", verdict.Action));
        }
    }

    public void TunnelOpened()
    {
        if (_activeTunnels.Enabled)
        {
            _activeTunnels.Add(1);
        }
    }

    public void TunnelClosed(long upstreamBytes, long downstreamBytes)
    {
        if (_activeTunnels.Enabled)
        {
            _activeTunnels.Add(-1);
        }

        if (_tunnelBytes.Enabled)
        {
            _tunnelBytes.Add(upstreamBytes, new KeyValuePair<string, object?>("direction", "upstream"));
            _tunnelBytes.Add(downstreamBytes, new KeyValuePair<string, object?>("direction", "downstream"));
        }
    }
}

/// <summary>A verdict reduced to low-cardinality metric tags.</summary>
internal readonly record struct ShadowAiVerdictTags(string Provider, bool Sanctioned, string Action)
{
    public static ShadowAiVerdictTags From(Guard.ShadowAi.ShadowAiVerdict verdict) => new(
        verdict.Provider ?? (verdict.IsAi ? "unknown" : "none"),
        verdict.Sanctioned,
        ActionName(verdict.Action));

    public static string ActionName(Guard.ShadowAi.ShadowAiAction action) => action switch
    {
        Guard.ShadowAi.ShadowAiAction.Allow => "allow",
        Guard.ShadowAi.ShadowAiAction.Flag => "flag",
        Guard.ShadowAi.ShadowAiAction.Block => "block",
        _ => "unknown",
    };
}
