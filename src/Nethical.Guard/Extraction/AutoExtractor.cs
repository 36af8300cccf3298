namespace Nethical.Guard.Extraction;

/// <summary>Every provider's members in one pass, for routes whose format is <see cref="ProviderFormat.Auto"/>.</summary>
internal sealed class AutoExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.Auto, PromptFields.All, maxDepth);
