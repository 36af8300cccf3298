using System.Collections.Frozen;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Scores request headers: key shapes in <c>Authorization</c> and <c>x-api-key</c> (by prefix alone; the key goes
/// nowhere), the provider headers (<c>anthropic-version</c>, <c>api-key</c>, <c>x-goog-api-key</c>) and the headers
/// that catalog providers list as peculiar to their APIs. Built once per options value.
/// </summary>
internal sealed class HeaderSignatures
{
    private readonly FrozenDictionary<string, HeaderKind> _headers;

    private HeaderSignatures(FrozenDictionary<string, HeaderKind> headers)
    {
        _headers = headers;
    }

    private enum HeaderKind
    {
        Authorization,
        XApiKey,
        AnthropicVersion,
        ApiKey,
        GoogApiKey,
        Provider,
    }

    /// <summary>The built-in header signals plus each catalog provider's own headers.</summary>
    public static HeaderSignatures Build(AiCatalogOptions catalog)
    {
        var headers = new Dictionary<string, HeaderKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in catalog.Providers)
        {
            foreach (var header in provider.Headers)
            {
                headers.TryAdd(header.Trim(), HeaderKind.Provider);
            }
        }

        // The built-in header signals win over a catalog entry of the same name.
        headers["authorization"] = HeaderKind.Authorization;
        headers["x-api-key"] = HeaderKind.XApiKey;
        headers["anthropic-version"] = HeaderKind.AnthropicVersion;
        headers["api-key"] = HeaderKind.ApiKey;
        headers["x-goog-api-key"] = HeaderKind.GoogApiKey;
        return new HeaderSignatures(headers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Raises the weight of the signal that header <paramref name="name"/> fires, if any. <paramref name="methodPath"/>
    /// says the path is Gemini-shaped (<c>:method</c>), without which <c>x-goog-api-key</c> is any Google API.
    /// </summary>
    public void Score(string name, string? value, bool methodPath, Span<int> weights)
    {
        if (!_headers.TryGetValue(name, out var kind))
        {
            return;
        }

        switch (kind)
        {
            case HeaderKind.Authorization:
                var token = value.AsSpan().Trim();
                if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    ScoreKey(token[7..].TrimStart(), weights);
                }

                break;
            case HeaderKind.XApiKey:
                ScoreKey(value.AsSpan().Trim(), weights);
                break;
            case HeaderKind.AnthropicVersion:
                Raise(weights, ShadowAiSignal.AnthropicVersion, 80);
                break;
            case HeaderKind.ApiKey:
                Raise(weights, ShadowAiSignal.ApiKey, 40);
                break;
            case HeaderKind.GoogApiKey:
                if (methodPath)
                {
                    Raise(weights, ShadowAiSignal.GoogApiKey, 40);
                }

                break;
            default:
                Raise(weights, ShadowAiSignal.ProviderHeader, 60);
                break;
        }
    }

    /// <summary>Scores a key by its prefix alone; the key itself goes nowhere.</summary>
    private static void ScoreKey(ReadOnlySpan<char> key, Span<int> weights)
    {
        if (key.StartsWith("sk-ant-", StringComparison.Ordinal))
        {
            Raise(weights, ShadowAiSignal.AnthropicKey, 100);
        }
        else if (key.StartsWith("sk-", StringComparison.Ordinal) && key.Length > 20)
        {
            Raise(weights, ShadowAiSignal.OpenAiKey, 60);
        }
        else if (key.StartsWith("gsk_", StringComparison.Ordinal) || key.StartsWith("xai-", StringComparison.Ordinal)
            || key.StartsWith("pplx-", StringComparison.Ordinal) || key.StartsWith("r8_", StringComparison.Ordinal))
        {
            Raise(weights, ShadowAiSignal.ProviderKey, 80);
        }
        else if (key.StartsWith("hf_", StringComparison.Ordinal))
        {
            Raise(weights, ShadowAiSignal.ProviderKey, 60);
        }
    }

    private static void Raise(Span<int> weights, ShadowAiSignal signal, int weight)
    {
        if (weights[(int)signal] < weight)
        {
            weights[(int)signal] = weight;
        }
    }
}
