using System.Text;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Tests.Extraction;

/// <summary>Runs an extractor over a JSON string and compares the segments it produced.</summary>
internal static class ExtractionTestHelpers
{
    public static List<PromptSegment> Extract(IPromptExtractor extractor, string json)
    {
        var segments = new List<PromptSegment>();
        extractor.Extract(Encoding.UTF8.GetBytes(json), segments);
        return segments;
    }

    public static List<PromptSegment> Extract(ProviderFormat format, string json) => Extract(PromptExtractors.For(format), json);

    /// <summary>Asserts the exact (text, source, role) of every segment, in order.</summary>
    public static void AssertSegments(List<PromptSegment> actual, params (string Text, SegmentSource Source, string Role)[] expected)
    {
        var projected = new (string, SegmentSource, string)[actual.Count];
        for (int i = 0; i < actual.Count; i++)
        {
            projected[i] = (actual[i].Text, actual[i].Source, actual[i].Role);
        }

        Assert.Equal(expected, projected);
    }

    /// <summary>Asserts the path of every segment, in order.</summary>
    public static void AssertPaths(List<PromptSegment> actual, params string[] expected)
    {
        var paths = new string[actual.Count];
        for (int i = 0; i < actual.Count; i++)
        {
            paths[i] = actual[i].Path;
        }

        Assert.Equal(expected, paths);
    }

    public static PromptExtractionException AssertFails(ProviderFormat format, ReadOnlySpan<byte> body, ExtractionError error)
    {
        var segments = new List<PromptSegment> { new("before", SegmentSource.User, "user", "x") };
        PromptExtractionException? caught = null;
        try
        {
            PromptExtractors.For(format).Extract(body, segments);
        }
        catch (PromptExtractionException ex)
        {
            caught = ex;
        }

        Assert.NotNull(caught);
        Assert.Equal(error, caught.Error);

        // Nothing is appended by a failed extraction.
        Assert.Single(segments);
        return caught;
    }

    public static PromptExtractionException AssertFails(ProviderFormat format, string json, ExtractionError error) =>
        AssertFails(format, Encoding.UTF8.GetBytes(json), error);
}
