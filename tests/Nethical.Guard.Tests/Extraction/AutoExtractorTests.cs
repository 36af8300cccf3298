using Nethical.Guard.Extraction;
using static Nethical.Guard.Tests.Extraction.ExtractionTestHelpers;

namespace Nethical.Guard.Tests.Extraction;

public sealed class AutoExtractorTests
{
    private static readonly AutoExtractor Extractor = new();

    [Theory]
    [InlineData(ProviderFormat.Auto, typeof(AutoExtractor))]
    [InlineData(ProviderFormat.OpenAi, typeof(OpenAiExtractor))]
    [InlineData(ProviderFormat.Anthropic, typeof(AnthropicMessagesExtractor))]
    [InlineData(ProviderFormat.Gemini, typeof(GeminiGenerateContentExtractor))]
    [InlineData(ProviderFormat.Ollama, typeof(OllamaExtractor))]
    public void For_EachFormat_ReturnsCachedExtractorOfThatFormat(ProviderFormat format, Type type)
    {
        IPromptExtractor extractor = PromptExtractors.For(format);

        Assert.IsType(type, extractor);
        Assert.Equal(format, extractor.Format);
        Assert.Same(extractor, PromptExtractors.For(format));
    }

    [Fact]
    public void For_UnknownFormat_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptExtractors.For((ProviderFormat)99));
    }

    [Fact]
    public void Create_WithMaxDepth_ReturnsNewExtractorWithThatDepth()
    {
        var extractor = Assert.IsType<OpenAiExtractor>(PromptExtractors.Create(ProviderFormat.OpenAi, 8));

        Assert.Equal(8, extractor.MaxDepth);
        Assert.NotSame(PromptExtractors.For(ProviderFormat.OpenAi), extractor);
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptExtractors.Create(ProviderFormat.Auto, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptExtractors.Create(ProviderFormat.Auto, 100_000));
    }

    [Fact]
    public void Extract_OpenAiChat_IsRecognised()
    {
        var segments = Extract(Extractor, """{"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"u"}]},{"role":"assistant","tool_calls":[{"function":{"arguments":"{}"}}]}],"tools":[{"function":{"description":"d"}}]}""");

        AssertSegments(
            segments,
            ("s", SegmentSource.System, "system"),
            ("u", SegmentSource.User, "user"),
            ("{}", SegmentSource.Assistant, "assistant.tool_call"),
            ("d", SegmentSource.System, "tool_definition"));
    }

    [Fact]
    public void Extract_OpenAiResponses_IsRecognised()
    {
        var segments = Extract(Extractor, """{"instructions":"i","input":[{"role":"user","content":"u"},{"type":"function_call_output","output":"o"}]}""");

        AssertSegments(
            segments,
            ("i", SegmentSource.System, "instructions"),
            ("u", SegmentSource.User, "user"),
            ("o", SegmentSource.Tool, "function_call_output"));
    }

    [Fact]
    public void Extract_Completions_IsRecognised()
    {
        var segments = Extract(Extractor, """{"prompt":["a"],"suffix":"b"}""");

        AssertSegments(segments, ("a", SegmentSource.User, "user"), ("b", SegmentSource.User, "user"));
    }

    [Fact]
    public void Extract_AnthropicMessages_IsRecognised()
    {
        var segments = Extract(Extractor, """{"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"tool_result","content":[{"type":"text","text":"r"}]},{"type":"document","source":{"type":"text","data":"d"}}]}]}""");

        AssertSegments(
            segments,
            ("s", SegmentSource.System, "system"),
            ("r", SegmentSource.Tool, "tool_result"),
            ("d", SegmentSource.Document, "document"));
    }

    [Fact]
    public void Extract_Gemini_IsRecognised()
    {
        var segments = Extract(Extractor, """{"system_instruction":{"parts":[{"text":"s"}]},"contents":[{"role":"model","parts":[{"text":"m"}]},{"role":"user","parts":[{"functionResponse":{"response":{"k":"v"}}}]}]}""");

        AssertSegments(
            segments,
            ("s", SegmentSource.System, "system"),
            ("m", SegmentSource.Assistant, "model"),
            ("v", SegmentSource.Tool, "function_response"),
            ("k", SegmentSource.Tool, "function_response"));
    }

    [Fact]
    public void Extract_OllamaGenerate_IsRecognised()
    {
        var segments = Extract(Extractor, """{"prompt":"p","system":"s","template":"t"}""");

        AssertSegments(
            segments,
            ("p", SegmentSource.User, "user"),
            ("s", SegmentSource.System, "system"),
            ("t", SegmentSource.System, "template"));
    }

    [Fact]
    public void Extract_EveryProvidersFieldsInOneBody_AllAreExtracted()
    {
        var segments = Extract(Extractor, """
            {"messages":[{"role":"user","content":"m"}],"input":"i","instructions":"n","prompt":"p","suffix":"x",
             "system":"s","template":"t","contents":[{"parts":[{"text":"g"}]}],"systemInstruction":{"parts":[{"text":"gs"}]},
             "tools":[{"description":"td"}],"functions":[{"description":"fd"}]}
            """);

        AssertSegments(
            segments,
            ("m", SegmentSource.User, "user"),
            ("i", SegmentSource.User, "user"),
            ("n", SegmentSource.System, "instructions"),
            ("p", SegmentSource.User, "user"),
            ("x", SegmentSource.User, "user"),
            ("s", SegmentSource.System, "system"),
            ("t", SegmentSource.System, "template"),
            ("g", SegmentSource.User, "user"),
            ("gs", SegmentSource.System, "system"),
            ("td", SegmentSource.System, "tool_definition"),
            ("fd", SegmentSource.System, "tool_definition"));
    }

    [Fact]
    public void Extract_UnknownFields_AreSkipped()
    {
        var segments = Extract(Extractor, """{"metadata":{"prompt":"not a prompt","messages":[{"content":"nested"}]},"stop":["x"],"n":1,"messages":[{"role":"user","content":"real","extra":{"text":"no"}}]}""");

        AssertSegments(segments, ("real", SegmentSource.User, "user"));
    }

    [Fact]
    public void Extract_SameBodyTwice_GivesSameSegments()
    {
        const string Json = """{"messages":[{"content":"a","role":"tool"},{"role":"user","content":[{"type":"tool_use","input":{"k":"v"}}]}]}""";

        var first = Extract(Extractor, Json);
        var second = Extract(Extractor, Json);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Extract_ConcurrentCalls_AreIndependent()
    {
        const string Json = """{"messages":[{"role":"user","content":"a"},{"content":"b","role":"tool"}]}""";
        var expected = Extract(Extractor, Json);

        Parallel.For(0, 200, _ =>
        {
            var actual = Extract(Extractor, Json);
            Assert.Equal(expected, actual);
        });
    }
}
