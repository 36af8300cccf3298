using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;
using Nethical.Guard.Screening;

namespace Nethical.Guard.Benchmarks;

/// <summary>
/// Extraction + normalisation + tier 1 on an OpenAI chat body of 1 KB and 32 KB. The baseline is a bare
/// <see cref="Utf8JsonReader"/> pass over the same bytes: the least any JSON-reading guard must pay.
/// Run: <c>dotnet run -c Release --project tests/Nethical.Guard.Benchmarks -- --filter '*ScreeningBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
public class ScreeningBenchmarks
{
    private static readonly string[] s_sentences =
    [
        "Can you help me plan a three-day trip to Lisbon with a focus on food and museums?",
        "Please ignore the typos in my last message, I was typing on my phone.",
        "Write a short summary of the attached quarterly report for the board.",
        "What is the difference between a process and a thread in operating systems?",
        "Translate the following paragraph into German and keep the formal tone.",
        "Our customer says the invoice total is wrong; draft a polite reply explaining the VAT.",
    ];

    private byte[] _body = [];
    private PromptScreener _screener = null!;
    private readonly TextNormalizer _normalizer = new();

    [Params(1024, 32 * 1024)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _screener = new PromptScreener(new TextNormalizer(), new RuleBasedPromptInjectionDetector());
        _body = BuildChatBody(BodyBytes);
    }

    /// <summary>An OpenAI chat body of about <paramref name="size"/> bytes: a system prompt and alternating turns.</summary>
    internal static byte[] BuildChatBody(int size)
    {
        var messages = new List<object> { new { role = "system", content = "You are a helpful assistant for Contoso's travel desk." } };
        var i = 0;
        while (true)
        {
            var role = i % 2 == 0 ? "user" : "assistant";
            messages.Add(new { role, content = s_sentences[i % s_sentences.Length] + " " + s_sentences[(i + 3) % s_sentences.Length] });
            var json = JsonSerializer.SerializeToUtf8Bytes(new { model = "gpt-4o-mini", temperature = 0.2, messages });
            if (json.Length >= size)
            {
                return json;
            }

            i++;
        }
    }

    [Benchmark(Baseline = true)]
    public int ReadJsonOnly()
    {
        var reader = new Utf8JsonReader(_body);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark]
    public double ExtractNormalizeTier1() => _screener.Screen(_body, ProviderFormat.OpenAi).Score;

    [Benchmark]
    public int ExtractNormalize()
    {
        var segments = new List<PromptSegment>(16);
        PromptExtractors.For(ProviderFormat.OpenAi).Extract(_body, segments);
        var normalized = new List<NormalizedSegment>(segments.Count + 4);
        _normalizer.Normalize(segments, normalized);
        return normalized.Count;
    }

    [Benchmark]
    public int ExtractOnly()
    {
        var segments = new List<PromptSegment>(16);
        PromptExtractors.For(ProviderFormat.OpenAi).Extract(_body, segments);
        return segments.Count;
    }
}
