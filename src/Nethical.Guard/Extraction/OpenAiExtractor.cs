namespace Nethical.Guard.Extraction;

/// <summary>
/// OpenAI chat completions (<c>messages</c>, <c>tools</c>, <c>functions</c>), the Responses API (<c>instructions</c>, <c>input</c>)
/// and legacy completions (<c>prompt</c>, <c>suffix</c>).
/// </summary>
internal sealed class OpenAiExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.OpenAi, PromptFields.OpenAi, maxDepth);
