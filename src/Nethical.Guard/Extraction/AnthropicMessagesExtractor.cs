namespace Nethical.Guard.Extraction;

/// <summary>Anthropic messages: <c>system</c>, <c>messages</c>, <c>tools</c>.</summary>
internal sealed class AnthropicMessagesExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.Anthropic, PromptFields.Anthropic, maxDepth);
