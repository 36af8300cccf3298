namespace Nethical.Guard.Extraction;

/// <summary>
/// The shared base of the provider extractors: validates the body and streams it through <see cref="JsonPromptWalker"/>
/// with the top-level members of one format. Instances are immutable and safe to share between threads.
/// </summary>
internal abstract class JsonPromptExtractor : IPromptExtractor
{
    /// <summary>The default maximum nesting depth of a body (objects and arrays).</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest <see cref="MaxDepth"/> accepted (the walker recurses once per level).</summary>
    public const int MaxSupportedDepth = 1024;

    private readonly PromptFields _fields;

    private protected JsonPromptExtractor(ProviderFormat format, PromptFields fields, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxSupportedDepth);
        Format = format;
        _fields = fields;
        MaxDepth = maxDepth;
    }

    public ProviderFormat Format { get; }

    /// <summary>Bodies nested deeper than this (objects and arrays, the top-level object counting as 1) are <see cref="ExtractionError.TooDeep"/>.</summary>
    public int MaxDepth { get; }

    public void Extract(ReadOnlySpan<byte> utf8Json, List<PromptSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        JsonPromptWalker.Walk(utf8Json, _fields, MaxDepth, segments);
    }
}
