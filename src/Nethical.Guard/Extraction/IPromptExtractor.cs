namespace Nethical.Guard.Extraction;

/// <summary>Reads the prompt text out of one provider's request body.</summary>
internal interface IPromptExtractor
{
    /// <summary>The format this extractor reads.</summary>
    ProviderFormat Format { get; }

    /// <summary>
    /// Appends every piece of text in <paramref name="utf8Json"/> that the model will read to <paramref name="segments"/>.
    /// Throws <see cref="PromptExtractionException"/> for a body that cannot be screened.
    /// </summary>
    void Extract(ReadOnlySpan<byte> utf8Json, List<PromptSegment> segments);
}
