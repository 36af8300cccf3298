using System.Runtime.CompilerServices;
using Nethical.Guard.Extraction;
using Yarp.ReverseProxy.Configuration;

namespace Nethical.Gateway.Http;

/// <summary>What a route's metadata says: the provider format its bodies and errors speak, and its screening policy. Parsed once per route configuration.</summary>
internal sealed record RouteSettings(string RouteId, ProviderFormat Format, string PolicyName)
{
    /// <summary>Route metadata key naming the provider format: <c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>ollama</c> or <c>auto</c>.</summary>
    public const string FormatKey = "Nethical.Format";

    /// <summary>Route metadata key naming the policy in the screening options' <c>Policies</c>.</summary>
    public const string PolicyKey = "Nethical.Policy";

    /// <summary>The policy of a route that names none.</summary>
    public const string DefaultPolicyName = "default";

    // RouteConfig instances are immutable and replaced on reload, so the parsed settings live as long as the config does.
    private static readonly ConditionalWeakTable<RouteConfig, RouteSettings> s_cache = new();

    private int _unknownPolicyLogged;

    /// <summary>True the first time it is called for this route configuration: an unknown policy is logged once, not per request.</summary>
    public bool TryMarkUnknownPolicyLogged() => Interlocked.Exchange(ref _unknownPolicyLogged, 1) == 0;

    public static RouteSettings For(RouteConfig route)
        => s_cache.GetValue(route, static r => Parse(r));

    internal static RouteSettings Parse(RouteConfig route)
    {
        var format = ProviderFormat.Auto;
        var policy = DefaultPolicyName;
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

        return new RouteSettings(route.RouteId, format, policy);
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
