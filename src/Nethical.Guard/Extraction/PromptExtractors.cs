namespace Nethical.Guard.Extraction;

/// <summary>The extractor for each provider format.</summary>
public static class PromptExtractors
{
    public static IPromptExtractor For(ProviderFormat format) => throw new NotImplementedException();
}
