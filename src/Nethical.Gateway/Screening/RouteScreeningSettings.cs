using System.Runtime.CompilerServices;
using Nethical.Guard.Extraction;
using Yarp.ReverseProxy.Configuration;

namespace Nethical.Gateway.Screening;

/// <summary>What a route's metadata says about screening, parsed once per route configuration.</summary>
internal sealed record RouteScreeningSettings(string RouteId, ProviderFormat Format, string PolicyName)
{
    /// <summary>Route metadata key naming the provider format: <c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>ollama</c> or <c>auto</c>.</summary>
    public const string FormatKey = "Nethical.Format";

    /// <summary>Route metadata key naming the policy in <see cref="ScreeningOptions.Policies"/>.</summary>
    public const string PolicyKey = "Nethical.Policy";

    // RouteConfig instances are immutable and replaced on reload, so the parsed settings live as long as the config does.
    private static readonly ConditionalWeakTable<RouteConfig, RouteScreeningSettings> s_cache = new();

    private int _unknownPolicyLogged;

    /// <summary>True the first time it is called for this route configuration: an unknown policy is logged once, not per request.</summary>
    public bool TryMarkUnknownPolicyLogged() => Interlocked.Exchange(ref _unknownPolicyLogged, 1) == 0;

    public static RouteScreeningSettings For(RouteConfig route)
        => s_cache.GetValue(route, static r => Parse(r));

    internal static RouteScreeningSettings Parse(RouteConfig route)
    {
        var format = ProviderFormat.Auto;
        var policy = ScreeningOptions.DefaultPolicyName;
        if (route.Metadata is { } metadata)
        {
            if (metadata.TryGetValue(FormatKey, out var formatName) && !TryParseFormat(formatName, out format))
            {
                // An unknown format must not switch screening off: read every known field.
                format = ProviderFormat.Auto;
            }

            if (metadata.TryGetValue(PolicyKey, out var policyName) && !string.IsNullOrWhiteSpace(policyName))
            {
                policy = policyName;
            }
        }

        return new RouteScreeningSettings(route.RouteId, format, policy);
    }

    public static bool TryParseFormat(string? name, out ProviderFormat format)
    {
        format = name?.ToUpperInvariant() switch
        {
            "OPENAI" => ProviderFormat.OpenAi,
            "ANTHROPIC" => ProviderFormat.Anthropic,
            "GEMINI" => ProviderFormat.Gemini,
            "OLLAMA" => ProviderFormat.Ollama,
            "AUTO" => ProviderFormat.Auto,
            _ => (ProviderFormat)(-1),
        };
        return format >= 0;
    }
}
