using System.Text.Json;

namespace Nethical.Guard.Extraction;

/// <summary>
/// The fallback for bodies in which a format's extractor found no prompt: every string value becomes a segment.
/// Catch-all routes reach endpoints with other shapes (batches, threads, conversations, model files), and a body the
/// screen cannot place must not pass as clean.
/// </summary>
internal static class AnyStringExtractor
{
    public const string Role = "unknown";

    /// <summary>Appends every non-empty string value of a body that the format extractor has already validated.</summary>
    public static void Extract(ReadOnlySpan<byte> utf8Json, int maxDepth, List<PromptSegment> segments)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    segments.Add(new PromptSegment(reader.GetString()!, SegmentSource.User, Role, "*"));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The format extractor accepted the body, so this cannot happen; refuse rather than pass if it does.
            throw new PromptExtractionException(ExtractionError.MalformedJson, "The request body could not be read as JSON.");
        }
    }
}
