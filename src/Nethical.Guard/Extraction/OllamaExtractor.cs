namespace Nethical.Guard.Extraction;

/// <summary>Ollama <c>/api/chat</c> (<c>messages</c>, <c>tools</c>) and <c>/api/generate</c> (<c>prompt</c>, <c>suffix</c>, <c>system</c>, <c>template</c>).</summary>
internal sealed class OllamaExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.Ollama, PromptFields.Ollama, maxDepth);
