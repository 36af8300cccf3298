using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nethical.Gateway.Diagnostics;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.ShadowAi;

/// <summary>AI requests seen, by mode (reverse, connect, http), provider, sanctioned or not, and action.</summary>
internal sealed class ShadowAiMetrics
{
    private readonly Counter<long> _requests;

    public ShadowAiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>("nethical.shadow_ai.requests", unit: "{request}", description: "Requests to AI services, by mode, provider, sanctioned and action.");
    }

    public void Decided(string mode, ShadowAiVerdict verdict)
    {
        if (_requests.Enabled)
        {
            var tags = new TagList
            {
                { "mode", mode },
                { "provider", verdict.Provider ?? "unknown" },
                { "sanctioned", verdict.Sanctioned },
                { "action", verdict.Action.ToString().ToLowerInvariant() },
            };
            _requests.Add(1, tags);
        }
    }
}
