using System.Globalization;
using System.Text;
using Nethical.Guard.ShadowAi;
using static Nethical.Guard.Tests.ShadowAi.ShadowAiTestData;

namespace Nethical.Guard.Tests.ShadowAi;

/// <summary>
/// A labelled list of outbound requests (AI providers, self-hosted model servers, model downloads, look-alikes and
/// ordinary APIs), each with what it really is. One test checks every row against the shipped catalog and writes
/// <c>shadow-ai-urls.md</c> (expected vs actual, a summary and every miss) next to the test assembly.
/// </summary>
public sealed class ShadowAiUrlTableTests
{
    /// <summary>One row. <paramref name="Target"/> is <c>host:port</c> for CONNECT, a URL otherwise.</summary>
    public sealed record UrlCase(
        string Label,
        string Method,
        string Target,
        bool IsAi,
        string? Provider,
        Dictionary<string, string>? Headers = null,
        string? Body = null,
        string? ExpectedMiss = null);

    private const string Chat = ChatBody;
    private const string Anthropic = """{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"hi"}]}""";
    private const string Gemini = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""";
    private const string Embed = """{"model":"text-embedding-3-small","input":"hello"}""";

    private static Dictionary<string, string> Bearer(string key) => new() { ["Authorization"] = "Bearer " + key };

    private static UrlCase Tunnel(string label, string hostPort, bool isAi, string? provider, string? expectedMiss = null)
        => new(label, "CONNECT", hostPort, isAi, provider, ExpectedMiss: expectedMiss);

    public static readonly UrlCase[] Cases =
    [
        // Catalog providers: full requests and bare tunnels.
        new("OpenAI chat", "POST", "https://api.openai.com/v1/chat/completions", true, "openai", Bearer(FakeOpenAiKey), Chat),
        Tunnel("OpenAI API tunnel", "api.openai.com:443", true, "openai"),
        Tunnel("ChatGPT web app", "chatgpt.com:443", true, "openai"),
        new("Azure OpenAI deployment", "POST", "https://contoso-eastus.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", true, "azure-openai", new() { ["api-key"] = "0123456789abcdef0123456789abcdef" }, Chat),
        Tunnel("Azure AI Foundry tunnel", "contoso.services.ai.azure.com:443", true, "azure-openai"),
        new("Anthropic messages", "POST", "https://api.anthropic.com/v1/messages", true, "anthropic", new() { ["x-api-key"] = FakeAnthropicKey, ["anthropic-version"] = "2023-06-01" }, Anthropic),
        Tunnel("Claude web app", "claude.ai:443", true, "anthropic"),
        new("Gemini generateContent", "POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", true, "google-gemini", new() { ["x-goog-api-key"] = "AIzaSyFAKEFAKEFAKEFAKEFAKEFAKEFAKE" }, Gemini),
        Tunnel("Gemini web app", "gemini.google.com:443", true, "google-gemini"),
        new("Vertex AI regional", "POST", "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro:streamGenerateContent", true, "google-vertex-ai", Bearer("ya29.fake-oauth-token"), Gemini),
        Tunnel("Vertex AI global tunnel", "aiplatform.googleapis.com:443", true, "google-vertex-ai"),
        Tunnel("Vertex AI europe-west4 tunnel", "europe-west4-aiplatform.googleapis.com:443", true, "google-vertex-ai"),
        new("Bedrock converse", "POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse", true, "aws-bedrock", Body: """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"""),
        Tunnel("Bedrock runtime tunnel", "bedrock-runtime.eu-west-1.amazonaws.com:443", true, "aws-bedrock"),
        new("Mistral chat", "POST", "https://api.mistral.ai/v1/chat/completions", true, "mistral", Bearer("FAKEmistralKEY0123456789"), Chat),
        new("Cohere v2 chat", "POST", "https://api.cohere.com/v2/chat", true, "cohere", Bearer("FAKEcohereKEY"), Chat),
        Tunnel("Cohere legacy host", "api.cohere.ai:443", true, "cohere"),
        new("Groq chat", "POST", "https://api.groq.com/openai/v1/chat/completions", true, "groq", Bearer("gsk_FAKEFAKEFAKEFAKEFAKEFAKE"), Chat),
        new("Together chat", "POST", "https://api.together.xyz/v1/chat/completions", true, "together", Body: Chat),
        new("Fireworks chat", "POST", "https://api.fireworks.ai/inference/v1/chat/completions", true, "fireworks", Body: Chat),
        new("DeepSeek chat", "POST", "https://api.deepseek.com/chat/completions", true, "deepseek", Bearer("sk-0123456789abcdef0123456789abcdef"), Chat),
        new("xAI chat", "POST", "https://api.x.ai/v1/chat/completions", true, "xai", Bearer("xai-FAKEFAKEFAKEFAKE"), Chat),
        new("Perplexity chat", "POST", "https://api.perplexity.ai/chat/completions", true, "perplexity", Bearer("pplx-FAKEFAKEFAKE"), Chat),
        new("OpenRouter chat", "POST", "https://openrouter.ai/api/v1/chat/completions", true, "openrouter", Bearer("sk-or-v1-0123456789abcdef0123456789abcdef"), Chat),
        new("HF serverless inference", "POST", "https://api-inference.huggingface.co/models/gpt2", true, "huggingface", Bearer("hf_FAKEFAKEFAKEFAKE"), """{"inputs":"Hello"}"""),
        new("HF inference router", "POST", "https://router.huggingface.co/v1/chat/completions", true, "huggingface", Bearer("hf_FAKEFAKEFAKEFAKE"), Chat),
        Tunnel("HF dedicated endpoint", "abc123xyz.us-east-1.aws.endpoints.huggingface.cloud:443", true, "huggingface"),
        new("Replicate prediction", "POST", "https://api.replicate.com/v1/predictions", true, "replicate", Bearer("r8_FAKEFAKEFAKEFAKE"), """{"version":"abc","input":{"prompt":"hi"}}"""),
        new("AI21 chat", "POST", "https://api.ai21.com/studio/v1/chat/completions", true, "ai21", Body: Chat),
        new("Voyage embeddings", "POST", "https://api.voyageai.com/v1/embeddings", true, "voyage", Body: Embed),
        Tunnel("Cerebras", "api.cerebras.ai:443", true, "cerebras"),
        Tunnel("SambaNova", "api.sambanova.ai:443", true, "sambanova"),
        Tunnel("NVIDIA NIM", "integrate.api.nvidia.com:443", true, "nvidia-nim"),
        Tunnel("DeepInfra", "api.deepinfra.com:443", true, "deepinfra"),
        Tunnel("GitHub Models", "models.github.ai:443", true, "github-models"),
        Tunnel("Alibaba DashScope", "dashscope-intl.aliyuncs.com:443", true, "alibaba-dashscope"),
        Tunnel("Moonshot", "api.moonshot.ai:443", true, "moonshot"),
        Tunnel("Zhipu", "open.bigmodel.cn:443", true, "zhipu"),
        Tunnel("Stability", "api.stability.ai:443", true, "stability"),
        Tunnel("ElevenLabs", "api.elevenlabs.io:443", true, "elevenlabs"),
        Tunnel("Mistral Le Chat", "chat.mistral.ai:443", true, "mistral"),

        // Self-hosted model servers on internal hosts, found by their API shape.
        new("Ollama generate", "POST", "http://10.0.5.20:11434/api/generate", true, "self-hosted", Body: """{"model":"llama3.1","prompt":"hi","stream":false}"""),
        new("Ollama chat, body unread", "POST", "http://ollama.corp.internal:11434/api/chat", true, "self-hosted"),
        new("Ollama model list", "GET", "http://ollama.corp.internal:11434/api/tags", true, "self-hosted"),
        new("vLLM chat", "POST", "http://vllm.corp.internal:8000/v1/chat/completions", true, "self-hosted", Body: Chat),
        new("LM Studio completions", "POST", "http://192.168.1.50:1234/v1/completions", true, "self-hosted", Body: """{"model":"qwen2.5-7b","prompt":"Once upon"}"""),
        new("TGI generate", "POST", "http://tgi.corp.internal:8080/generate", true, "self-hosted", Body: """{"inputs":"Hello","parameters":{"max_new_tokens":20}}"""),
        new("LiteLLM proxy, Anthropic shape", "POST", "http://litellm.corp.internal:4000/v1/messages", true, "self-hosted", new() { ["anthropic-version"] = "2023-06-01" }, Anthropic),
        new("Internal gateway embeddings", "POST", "https://llm-gateway.corp.example/v1/embeddings", true, "self-hosted", Body: Embed),
        new("vLLM responses API", "POST", "http://gpu01.corp.internal:8000/v1/responses", true, "self-hosted", Body: """{"model":"gpt-oss-20b","input":"hi"}"""),
        new("Gemma behind a Gemini-shaped proxy", "POST", "http://10.0.0.9/v1beta/models/gemma-2:streamGenerateContent", true, "self-hosted", Body: Gemini),
        new("Anthropic key to an unknown host", "POST", "https://llm-proxy.corp.example/anything", true, "self-hosted", Bearer(FakeAnthropicKey)),
        new("OpenAI key + chat body to a relay", "POST", "https://relay.example.org/api/proxy", true, "self-hosted", Bearer(FakeOpenAiKey), Chat),
        new("llama.cpp native /completion", "POST", "http://llama.corp.internal:8080/completion", true, "self-hosted", Body: """{"prompt":"Building a website can be done in","n_predict":128}"""),

        // Model artifact downloads.
        new("HF GGUF download", "GET", "https://huggingface.co/TheBloke/Llama-2-7B-GGUF/resolve/main/llama-2-7b.Q4_K_M.gguf", true, "huggingface"),
        new("HF safetensors download", "GET", "https://huggingface.co/google-bert/bert-base-uncased/resolve/main/model.safetensors?download=true", true, "huggingface"),
        new("HF pytorch .bin download", "GET", "https://huggingface.co/gpt2/resolve/main/pytorch_model.bin", true, "huggingface"),
        Tunnel("HF LFS CDN tunnel", "cdn-lfs.huggingface.co:443", true, "huggingface"),
        Tunnel("HF regional LFS CDN tunnel", "cdn-lfs-us-1.hf.co:443", true, "huggingface"),
        new("Ollama registry blob", "GET", "https://registry.ollama.ai/v2/library/llama3/blobs/sha256:0123abcd", true, "ollama-registry"),
        Tunnel("Ollama registry tunnel", "registry.ollama.ai:443", true, "ollama-registry"),
        new("GGUF from a GitHub release", "GET", "https://github.com/example/models/releases/download/v1/tiny.gguf", true, "self-hosted"),
        new("safetensors from an internal artifact store", "GET", "https://artifacts.corp.internal/ml/llama/model-00001-of-00002.safetensors", true, "self-hosted"),
        new("ONNX file from an ordinary CDN (not only ever a model)", "GET", "https://cdn.example.com/assets/detector.onnx", false, null),
        new("A generic /completion on an ordinary API (no AI body)", "POST", "https://api.example.com/completion", false, null, Body: """{"order":42,"status":"done"}"""),

        // Hugging Face pages that are not model downloads.
        new("HF model card page", "GET", "https://huggingface.co/meta-llama/Llama-3.1-8B", false, null),
        new("HF docs", "GET", "https://huggingface.co/docs/transformers/index", false, null),
        new("HF README via resolve", "GET", "https://huggingface.co/datasets/rajpurkar/squad/resolve/main/README.md", false, null),
        Tunnel("HF hub tunnel (pages and downloads alike)", "huggingface.co:443", false, null),

        // Look-alike hosts and paths.
        Tunnel("Look-alike: openai.com under example.net", "openai.com.example.net:443", false, null),
        Tunnel("Look-alike: api.openai.com under evil.io", "api.openai.com.evil.io:443", false, null),
        Tunnel("Look-alike: myopenai.com", "myopenai.com:443", false, null),
        Tunnel("Look-alike: notanthropic.com", "notanthropic.com:443", false, null),
        Tunnel("Look-alike: Azure host under attacker.net", "contoso.openai.azure.com.attacker.net:443", false, null),
        Tunnel("Bedrock control plane (not runtime)", "bedrock.us-east-1.amazonaws.com:443", false, null),
        new("Slack chat.postMessage", "POST", "https://slack.com/api/chat.postMessage", false, null, Bearer("xoxb-FAKE"), """{"channel":"C1","text":"hi"}"""),
        new("Support widget /api/chat", "POST", "https://shop.example.com/api/chat", false, null, Body: """{"message":"where is my order?"}"""),
        new("Report generator on 8080 /generate", "POST", "http://reports.corp.internal:8080/generate", false, null, Body: """{"template":"q3","format":"pdf"}"""),

        // Ordinary APIs.
        new("GitHub API", "GET", "https://api.github.com/repos/dotnet/runtime", false, null, Bearer("ghp_FAKEFAKEFAKE")),
        new("Stripe charge (sk_live_ key)", "POST", "https://api.stripe.com/v1/charges", false, null, Bearer("sk_live_FAKEFAKEFAKEFAKEFAKE"), """{"amount":100}"""),
        new("OpenWeatherMap", "GET", "https://api.openweathermap.org/data/2.5/weather?q=London&appid=abc", false, null),
        new("Google Maps geocode", "GET", "https://maps.googleapis.com/maps/api/geocode/json?address=Lisbon&key=AIzaFAKE", false, null),
        new("S3 object", "GET", "https://s3.amazonaws.com/my-bucket/reports/q3.csv", false, null),
        Tunnel("S3 tunnel", "s3.amazonaws.com:443", false, null),
        new("Entra ID token", "POST", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token", false, null),
        new("npm package openai", "GET", "https://registry.npmjs.org/openai", false, null),
        new("PyPI package anthropic", "GET", "https://pypi.org/simple/anthropic/", false, null),
        new("SendGrid mail", "POST", "https://api.sendgrid.com/v3/mail/send", false, null, Bearer("SG.FAKE"), """{"personalizations":[]}"""),
        new("Google search for openai", "GET", "https://www.google.com/search?q=openai+api", false, null),
        new("Internal wiki on 8000", "GET", "http://wiki.corp.internal:8000/", false, null),
        Tunnel("Unknown host on Ollama's port", "10.0.5.20:11434", false, null),
        new("Twilio API", "GET", "https://api.twilio.com/2010-04-01/Accounts.json", false, null),
    ];

    [Fact]
    public void Evaluate_LabelledUrls_ClassifiedAsListed()
    {
        var detector = Detector();
        var results = new List<(UrlCase Case, ShadowAiVerdict Verdict, bool Right)>(Cases.Length);
        foreach (var row in Cases)
        {
            var verdict = detector.Evaluate(ToRequest(row));
            var right = verdict.IsAi == row.IsAi && (!row.IsAi || string.Equals(verdict.Provider, row.Provider, StringComparison.Ordinal));
            results.Add((row, verdict, right));
        }

        var report = WriteReport(results);

        Assert.True(Cases.Length >= 60);
        var unexpected = results.Where(r => r.Right == (r.Case.ExpectedMiss is not null)).Select(r => r.Case.Label).ToList();
        Assert.True(unexpected.Count == 0, $"Rows that disagree with the table (see {report}): {string.Join(", ", unexpected)}");
    }

    [Fact]
    public void Cases_CoverEveryCatalogProvider()
    {
        var covered = Cases.Where(c => c.IsAi && c.Provider is not null).Select(c => c.Provider!).ToHashSet(StringComparer.Ordinal);

        var missing = ShadowAiTestData.ShippedCatalog.Providers.Select(p => p.Name).Where(n => !covered.Contains(n)).ToList();

        Assert.Empty(missing);
    }

    private static OutboundRequest ToRequest(UrlCase row)
    {
        if (row.Method == "CONNECT")
        {
            var colon = row.Target.LastIndexOf(':');
            return Connect(row.Target[..colon], int.Parse(row.Target[(colon + 1)..], CultureInfo.InvariantCulture));
        }

        return Http(row.Target, row.Body, row.Headers);
    }

    private static string WriteReport(List<(UrlCase Case, ShadowAiVerdict Verdict, bool Right)> results)
    {
        var text = new StringBuilder();
        text.AppendLine("# Shadow AI: labelled URLs");
        text.AppendLine();
        text.AppendLine("| # | Label | Method | Target | Headers | Body | Expected | Actual | Score | Signals | Right |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var i = 0;
        foreach (var (row, verdict, right) in results)
        {
            i++;
            var headers = row.Headers is null ? "" : string.Join(", ", row.Headers.Keys);
            var expected = Describe(row.IsAi, row.Provider) + (row.ExpectedMiss is null ? "" : " (expected miss)");
            text.Append(CultureInfo.InvariantCulture, $"| {i} | {row.Label} | {row.Method} | `{row.Target}` | {headers} | {(row.Body is null ? "" : $"{row.Body.Length} B")} | ");
            text.AppendLine(CultureInfo.InvariantCulture, $"{expected} | {Describe(verdict.IsAi, verdict.Provider)} | {verdict.Score:0.0#} | {string.Join(" ", verdict.Signals)} | {(right ? "yes" : "**no**")} |");
        }

        var rightCount = results.Count(r => r.Right);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{rightCount} of {results.Count} classified right.");
        var misses = results.Where(r => !r.Right).ToList();
        if (misses.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Misses:");
            foreach (var (row, verdict, _) in misses)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Label} ({row.Method} `{row.Target}`): expected {Describe(row.IsAi, row.Provider)}, got {Describe(verdict.IsAi, verdict.Provider)}. {row.ExpectedMiss ?? "Unexpected."}");
            }
        }

        var path = Path.Combine(AppContext.BaseDirectory, "shadow-ai-urls.md");
        File.WriteAllText(path, text.ToString());
        TestContext.Current.SendDiagnosticMessage($"{rightCount} of {results.Count} classified right; table at {path}");
        return path;
    }

    private static string Describe(bool isAi, string? provider) => isAi ? $"AI ({provider})" : "not AI";
}
