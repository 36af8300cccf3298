namespace Nethical.Guard.Extraction;

/// <summary>Gemini <c>generateContent</c>: <c>contents</c>, <c>systemInstruction</c> / <c>system_instruction</c>, <c>tools</c>.</summary>
internal sealed class GeminiGenerateContentExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.Gemini, PromptFields.Gemini, maxDepth);
