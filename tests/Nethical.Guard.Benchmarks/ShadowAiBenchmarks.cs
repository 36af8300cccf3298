using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Benchmarks;

/// <summary>
/// Shadow-AI detection per request: the catalog host look-up alone (an exact hit, a miss, a middle wildcard) and the
/// whole <see cref="ShadowAiDetector.Evaluate"/> (a CONNECT tunnel, an OpenAI-shaped request with headers and a 1 KB
/// body, an ordinary API request), over the shipped catalog and over one with 10,000 generated providers added.
/// Run: <c>dotnet run -c Release --project tests/Nethical.Guard.Benchmarks -- --filter '*ShadowAi*'</c>
/// </summary>
[MemoryDiagnoser]
public class ShadowAiBenchmarks
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private AiEndpointCatalog _catalog = null!;
    private ShadowAiDetector _detector = null!;
    private OutboundRequest _tunnel = null!;
    private OutboundRequest _openAi = null!;
    private OutboundRequest _ordinary = null!;

    /// <summary>Extra generated providers on top of the shipped catalog: 0 (the real one) or 10,000.</summary>
    [Params(0, 10_000)]
    public int GeneratedProviders { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var catalog = LoadShippedCatalog();
        for (var i = 0; i < GeneratedProviders; i++)
        {
            var provider = new AiProviderOptions { Name = $"gen-{i}", Hosts = [$"api.gen-{i}.example", $"*.gen-{i}.example"] };
            if (i % 3 == 0)
            {
                provider.Hosts.Add($"runtime.*.gen-{i}.example");
            }

            catalog.Providers.Add(provider);
        }

        var options = new ShadowAiOptions { Catalog = catalog, Sanctioned = ["anthropic"] };
        _catalog = AiEndpointCatalog.Build(catalog);
        _detector = new ShadowAiDetector(options);

        _tunnel = new OutboundRequest { Host = "api.openai.com", Port = 443 };
        _openAi = new OutboundRequest
        {
            Host = "api.openai.com",
            Port = 443,
            Scheme = "https",
            Path = "/v1/chat/completions",
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Authorization"] = "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                ["Content-Type"] = "application/json",
                ["User-Agent"] = "OpenAI/Python 1.54.0",
                ["Accept"] = "application/json",
                ["OpenAI-Organization"] = "org-contoso",
                ["X-Stainless-Lang"] = "python",
            },
            Body = ScreeningBenchmarks.BuildChatBody(1024),
            ContentType = "application/json",
        };
        _ordinary = new OutboundRequest
        {
            Host = "api.github.com",
            Port = 443,
            Scheme = "https",
            Path = "/repos/dotnet/runtime/issues?state=open",
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Authorization"] = "Bearer ghp_FAKEFAKEFAKEFAKE",
                ["Accept"] = "application/vnd.github+json",
                ["User-Agent"] = "curl/8.5.0",
            },
        };
    }

    private static AiCatalogOptions LoadShippedCatalog()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "appsettings", "ai-catalog.json")))
        {
            directory = directory.Parent;
        }

        var path = directory is null ? throw new FileNotFoundException("appsettings/ai-catalog.json not found above " + AppContext.BaseDirectory) : Path.Combine(directory.FullName, "appsettings", "ai-catalog.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var json = document.RootElement.GetProperty("ShadowAi").GetProperty("Catalog").GetRawText();
        return JsonSerializer.Deserialize<AiCatalogOptions>(Encoding.UTF8.GetBytes(json), JsonOptions)!;
    }

    [Benchmark]
    public string? LookupCatalogHost() => _catalog.Match("api.anthropic.com");

    [Benchmark]
    public string? LookupMiss() => _catalog.Match("api.openweathermap.org");

    [Benchmark]
    public string? LookupWildcard() => _catalog.Match("bedrock-runtime.us-east-1.amazonaws.com");

    [Benchmark]
    public ShadowAiVerdict EvaluateTunnel() => _detector.Evaluate(_tunnel);

    [Benchmark]
    public ShadowAiVerdict EvaluateOpenAiRequest() => _detector.Evaluate(_openAi);

    [Benchmark]
    public ShadowAiVerdict EvaluateOrdinaryRequest() => _detector.Evaluate(_ordinary);
}
