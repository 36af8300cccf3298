namespace Nethical.Guard.Extraction;

/// <summary>
/// The fallback for bodies in which a format's extractor found no prompt: every string value becomes a user segment
/// (role <c>unknown</c>). Catch-all routes reach endpoints with other shapes (batches, threads, conversations, model
/// files), and a body the screen cannot place must not pass as clean.
/// </summary>
internal sealed class AnyStringExtractor(int maxDepth = JsonPromptExtractor.DefaultMaxDepth)
    : JsonPromptExtractor(ProviderFormat.Auto, PromptFields.AnyString, maxDepth);
