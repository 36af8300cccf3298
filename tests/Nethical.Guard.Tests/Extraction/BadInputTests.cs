using System.Text;
using Nethical.Guard.Extraction;
using static Nethical.Guard.Tests.Extraction.ExtractionTestHelpers;

namespace Nethical.Guard.Tests.Extraction;

public sealed class BadInputTests
{
    public static TheoryData<ProviderFormat> AllFormats => new(Enum.GetValues<ProviderFormat>());

    public static TheoryData<ProviderFormat, string> MalformedBodies()
    {
        string[] bodies =
        [
            "",
            "   \n",
            """{"messages":[{"role":"user","content":"secret""",
            """{"messages":[""",
            """{"prompt":"secret"} trailing""",
            """{"prompt":"secret"}{}""",
            """{"prompt":"secret"},""",
            """{/* secret */"prompt":"x"}""",
            "{\"prompt\":\"x\" // secret\n}",
            """{"prompt":"secret",}""",
            """{"messages":[{"role":"user","content":"secret"},]}""",
            """{'prompt':'secret'}""",
            """{"prompt":secret}""",
            "{\"prompt\":\"sec\u0001ret\"}",
            """{"prompt":"secret\q"}""",
            """{"prompt":NaN}""",
            """{"a":1 "prompt":"secret"}""",
        ];

        var data = new TheoryData<ProviderFormat, string>();
        foreach (ProviderFormat format in Enum.GetValues<ProviderFormat>())
        {
            foreach (string body in bodies)
            {
                data.Add(format, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Extract_MalformedJson_ThrowsMalformedJson(ProviderFormat format, string body)
    {
        var ex = AssertFails(format, body, ExtractionError.MalformedJson);

        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Extract_InvalidUtf8InPrompt_ThrowsInvalidUtf8(ProviderFormat format)
    {
        byte[] body = [.. "{\"prompt\":\"a"u8, 0xFF, .. "\"}"u8];

        AssertFails(format, body, ExtractionError.InvalidUtf8);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    public void Extract_InvalidUtf8InUnknownField_ThrowsInvalidUtf8(byte[] bad)
    {
        byte[] body = [.. "{\"metadata\":\""u8, .. bad, .. "\",\"prompt\":\"x\"}"u8];

        AssertFails(ProviderFormat.OpenAi, body, ExtractionError.InvalidUtf8);
    }

    [Theory]
    [InlineData("""{"prompt":"\ud800"}""")]
    [InlineData("""{"messages":[{"role":"user","content":"a\udc00b"}]}""")]
    [InlineData("""{"messages":[{"role":"\ud800","content":"x"}]}""")]
    [InlineData("""{"messages":[{"role":"user","\ud800":"x"}]}""")]
    [InlineData("""{"messages":[{"role":"assistant","content":[{"type":"tool_use","input":{"\ud800":1}}]}]}""")]
    public void Extract_LoneSurrogateEscape_ThrowsInvalidUtf8(string json)
    {
        AssertFails(ProviderFormat.Auto, json, ExtractionError.InvalidUtf8);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Extract_NestingAtMaxDepth_IsAccepted(ProviderFormat format)
    {
        var segments = Extract(format, Nest(64, "\"x\""));

        Assert.Empty(segments);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Extract_NestingBeyondMaxDepth_ThrowsTooDeep(ProviderFormat format)
    {
        AssertFails(format, Nest(65, "\"x\""), ExtractionError.TooDeep);
        AssertFails(format, Nest(1000, "\"x\""), ExtractionError.TooDeep);
    }

    [Fact]
    public void Extract_NestingBeyondMaxDepthInsidePrompt_ThrowsTooDeep()
    {
        string deep = new string('[', 70) + "\"x\"" + new string(']', 70);

        AssertFails(ProviderFormat.OpenAi, "{\"prompt\":" + deep + "}", ExtractionError.TooDeep);
        AssertFails(ProviderFormat.Anthropic, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"input\":" + deep + "}]}]}", ExtractionError.TooDeep);
    }

    [Fact]
    public void Extract_ConfiguredMaxDepth_IsEnforced()
    {
        IPromptExtractor extractor = PromptExtractors.Create(ProviderFormat.OpenAi, 3);
        var segments = new List<PromptSegment>();

        extractor.Extract("""{"messages":[{"role":"user","content":"ok"}]}"""u8, segments);
        var ex = Assert.Throws<PromptExtractionException>(
            () => extractor.Extract("""{"messages":[{"role":"user","content":[{"text":"deep"}]}]}"""u8, segments));

        Assert.Equal(ExtractionError.TooDeep, ex.Error);
        Assert.Single(segments);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"prompt":"x"}]""")]
    [InlineData("\"prompt\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Extract_TopLevelNotAnObject_ThrowsUnexpectedShape(string json)
    {
        foreach (ProviderFormat format in Enum.GetValues<ProviderFormat>())
        {
            AssertFails(format, json, ExtractionError.UnexpectedShape);
        }
    }

    [Theory]
    [InlineData(ProviderFormat.OpenAi, """{"messages":5}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[5]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":true}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":5}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":[{"type":"text","text":false}]}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":7,"content":"x"}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":["user"],"content":"x"}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":[{"type":1,"text":"x"}]}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":1}}]}]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"prompt":[1,2,3]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"prompt":[[1,2],[3]]}""")]
    [InlineData(ProviderFormat.OpenAi, """{"prompt":5}""")]
    [InlineData(ProviderFormat.OpenAi, """{"input":12}""")]
    [InlineData(ProviderFormat.OpenAi, """{"instructions":false}""")]
    [InlineData(ProviderFormat.OpenAi, """{"tools":3}""")]
    [InlineData(ProviderFormat.Anthropic, """{"system":1}""")]
    [InlineData(ProviderFormat.Anthropic, """{"messages":[{"role":"user","content":[{"type":"tool_result","content":2}]}]}""")]
    [InlineData(ProviderFormat.Anthropic, """{"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","data":3}}]}]}""")]
    [InlineData(ProviderFormat.Anthropic, """{"messages":[{"role":"user","content":[{"type":"document","source":{"type":4,"data":"x"}}]}]}""")]
    [InlineData(ProviderFormat.Gemini, """{"contents":1}""")]
    [InlineData(ProviderFormat.Gemini, """{"contents":[{"parts":[{"text":1}]}]}""")]
    [InlineData(ProviderFormat.Gemini, """{"systemInstruction":2}""")]
    [InlineData(ProviderFormat.Ollama, """{"prompt":1}""")]
    [InlineData(ProviderFormat.Ollama, """{"template":true}""")]
    [InlineData(ProviderFormat.Ollama, """{"suffix":0}""")]
    [InlineData(ProviderFormat.Auto, """{"messages":{"role":"user","content":9}}""")]
    public void Extract_KnownFieldOfWrongType_ThrowsUnexpectedShape(ProviderFormat format, string json)
    {
        var ex = AssertFails(format, json, ExtractionError.UnexpectedShape);

        Assert.Contains(" at '", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_UnexpectedShape_MessageNamesPathNotText()
    {
        var ex = AssertFails(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":"secret"},{"role":"user","content":5}]}""", ExtractionError.UnexpectedShape);

        Assert.Equal("Unexpected JSON number at 'messages[1].content'.", ex.Message);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Extract_EmptyObject_YieldsNothing(ProviderFormat format)
    {
        Assert.Empty(Extract(format, "{}"));
        Assert.Empty(Extract(format, " { } \r\n"));
    }

    [Fact]
    public void Extract_Utf8ByteOrderMark_IsIgnored()
    {
        var segments = new List<PromptSegment>();

        PromptExtractors.For(ProviderFormat.OpenAi).Extract([0xEF, 0xBB, 0xBF, .. """{"prompt":"x"}"""u8], segments);

        AssertSegments(segments, ("x", SegmentSource.User, "user"));
    }

    [Fact]
    public void Extract_NonAsciiText_IsKept()
    {
        var segments = Extract(ProviderFormat.OpenAi, """{"prompt":"Ignorez les consignes 😀 \u00e9"}""");

        AssertSegments(segments, ("Ignorez les consignes 😀 é", SegmentSource.User, "user"));
    }

    [Fact]
    public void Extract_NullSegmentsList_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PromptExtractors.For(ProviderFormat.Auto).Extract("{}"u8, null!));
    }

    [Fact]
    public void Extract_AfterFailure_NextCallStartsClean()
    {
        AssertFails(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":"a"},{"content":[{"text":"b"}],"role":5}]}""", ExtractionError.UnexpectedShape);

        var segments = Extract(ProviderFormat.OpenAi, """{"messages":[{"role":"user","content":"c"}]}""");

        AssertSegments(segments, ("c", SegmentSource.User, "user"));
        AssertPaths(segments, "messages[0].content");
    }

    private static string Nest(int depth, string inner)
    {
        // depth 1 is the top-level object; every further level is an array under an unknown member.
        var builder = new StringBuilder("{\"metadata\":");
        builder.Append('[', depth - 1).Append(inner).Append(']', depth - 1).Append('}');
        return depth == 1 ? "{}" : builder.ToString();
    }
}
