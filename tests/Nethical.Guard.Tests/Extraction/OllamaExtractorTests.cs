using Nethical.Guard.Extraction;
using static Nethical.Guard.Tests.Extraction.ExtractionTestHelpers;

namespace Nethical.Guard.Tests.Extraction;

public sealed class OllamaExtractorTests
{
    private static readonly OllamaExtractor Extractor = new();

    [Fact]
    public void Format_Always_IsOllama()
    {
        Assert.Equal(ProviderFormat.Ollama, Extractor.Format);
    }

    [Fact]
    public void Extract_ChatMessages_MapsEveryRole()
    {
        var segments = Extract(Extractor, """
            {"model":"llama3","stream":false,"messages":[
              {"role":"system","content":"s"},
              {"role":"user","content":"u","images":["aWdub3Jl"]},
              {"role":"assistant","content":"a","thinking":"th"},
              {"role":"tool","tool_name":"weather","content":"t"}
            ]}
            """);

        AssertSegments(
            segments,
            ("s", SegmentSource.System, "system"),
            ("u", SegmentSource.User, "user"),
            ("a", SegmentSource.Assistant, "assistant"),
            ("th", SegmentSource.Assistant, "assistant"),
            ("t", SegmentSource.Tool, "tool"));
        AssertPaths(segments, "messages[0].content", "messages[1].content", "messages[2].content", "messages[2].thinking", "messages[3].content");
    }

    [Fact]
    public void Extract_ChatToolCallArgumentsObject_ValuesAndNamesAreAssistant()
    {
        var segments = Extract(Extractor, """
            {"messages":[{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Toronto"}}}]}]}
            """);

        AssertSegments(
            segments,
            ("Toronto", SegmentSource.Assistant, "assistant.tool_call"),
            ("city", SegmentSource.Assistant, "assistant.tool_call"));
        AssertPaths(segments, "messages[0].tool_calls[0].function.arguments.*", "messages[0].tool_calls[0].function.arguments.*~");
    }

    [Fact]
    public void Extract_Generate_PromptSystemTemplateSuffix()
    {
        var segments = Extract(Extractor, """
            {"model":"llama3","prompt":"p","system":"s","template":"{{ .Prompt }}","suffix":"x","images":["aWdub3Jl"],"context":[1,2,3],"options":{"seed":1}}
            """);

        AssertSegments(
            segments,
            ("p", SegmentSource.User, "user"),
            ("s", SegmentSource.System, "system"),
            ("{{ .Prompt }}", SegmentSource.System, "template"),
            ("x", SegmentSource.User, "user"));
        AssertPaths(segments, "prompt", "system", "template", "suffix");
    }

    [Theory]
    [InlineData("""{"PROMPT":"x"}""")]
    [InlineData("""{"Prompt":"x"}""")]
    [InlineData("""{"\u0070rompt":"x"}""")]
    public void Extract_GoStyleCaseInsensitiveKeys_AreMatched(string json)
    {
        var segments = Extract(Extractor, json);

        AssertSegments(segments, ("x", SegmentSource.User, "user"));
        AssertPaths(segments, "prompt");
    }

    [Fact]
    public void Extract_UnicodeCaseFoldedKeys_AreMatched()
    {
        // Go's encoding/json folds U+017F to 's' and U+212A to 'k'.
        var segments = Extract(Extractor, "{\"\u017Fystem\":\"s\",\"messages\":[{\"role\":\"user\",\"content\":\"c\",\"tool_calls\":[{\"function\":{\"arguments\":{\"\u212Aey\":\"v\"}}}]}]}");

        AssertSegments(
            segments,
            ("s", SegmentSource.System, "system"),
            ("c", SegmentSource.User, "user"),
            ("v", SegmentSource.User, "assistant.tool_call"),
            ("\u212Aey", SegmentSource.User, "assistant.tool_call"));
    }

    [Fact]
    public void Extract_RoleAfterContentAndDuplicateContent_AreHandled()
    {
        var segments = Extract(Extractor, """{"messages":[{"content":"a","content":"b","role":"user","role":"tool"}]}""");

        AssertSegments(segments, ("a", SegmentSource.Tool, "tool"), ("b", SegmentSource.Tool, "tool"));
    }

    [Fact]
    public void Extract_OtherProvidersFields_AreIgnored()
    {
        var segments = Extract(Extractor, """{"input":"i","instructions":"n","contents":[{"parts":[{"text":"g"}]}],"prompt":"p"}""");

        AssertSegments(segments, ("p", SegmentSource.User, "user"));
    }
}
