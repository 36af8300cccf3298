namespace Nethical.Guard.Extraction;

/// <summary>The extractor for each provider format.</summary>
internal static class PromptExtractors
{
    private static readonly IPromptExtractor Auto = new AutoExtractor();
    private static readonly IPromptExtractor OpenAi = new OpenAiExtractor();
    private static readonly IPromptExtractor Anthropic = new AnthropicMessagesExtractor();
    private static readonly IPromptExtractor Gemini = new GeminiGenerateContentExtractor();
    private static readonly IPromptExtractor Ollama = new OllamaExtractor();

    /// <summary>The shared extractor for <paramref name="format"/>, with the default maximum depth (64). Thread-safe.</summary>
    public static IPromptExtractor For(ProviderFormat format) => format switch
    {
        ProviderFormat.Auto => Auto,
        ProviderFormat.OpenAi => OpenAi,
        ProviderFormat.Anthropic => Anthropic,
        ProviderFormat.Gemini => Gemini,
        ProviderFormat.Ollama => Ollama,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown provider format."),
    };

    /// <summary>A new extractor for <paramref name="format"/> that rejects bodies nested deeper than <paramref name="maxDepth"/> (1 to 1024).</summary>
    public static IPromptExtractor Create(ProviderFormat format, int maxDepth) => format switch
    {
        ProviderFormat.Auto => new AutoExtractor(maxDepth),
        ProviderFormat.OpenAi => new OpenAiExtractor(maxDepth),
        ProviderFormat.Anthropic => new AnthropicMessagesExtractor(maxDepth),
        ProviderFormat.Gemini => new GeminiGenerateContentExtractor(maxDepth),
        ProviderFormat.Ollama => new OllamaExtractor(maxDepth),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown provider format."),
    };
}
