using System.Net;
using Nethical.Guard.Policy;
using Nethical.Guard.ShadowAi;
using static Nethical.Guard.Tests.ShadowAi.ShadowAiTestData;

namespace Nethical.Guard.Tests.ShadowAi;

public sealed class ShadowAiDetectorTests
{
    private const string Internal = "http://llm.corp.internal";

    [Fact]
    public void Evaluate_CatalogHostTunnel_IsAiByHostAlone()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Connect("api.openai.com"));

        Assert.True(verdict.IsAi);
        Assert.Equal("openai", verdict.Provider);
        Assert.Equal([ShadowAiReasons.Host], verdict.Signals);
        Assert.Equal(1.0, verdict.Score);
    }

    [Fact]
    public void Evaluate_OrdinaryHost_NotAiWithNoSignals()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http("https://api.github.com/repos/dotnet/runtime", "{\"name\":\"x\"}"));

        Assert.Same(ShadowAiVerdict.NotAi, verdict);
    }

    [Fact]
    public void Evaluate_SpecificPathAlone_SignalsButNotAi()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http($"{Internal}/v1/chat/completions"));

        Assert.False(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.Path], verdict.Signals);
        Assert.Equal(0.6, verdict.Score, 3);
        Assert.Equal(ShadowAiAction.Allow, verdict.Action);
    }

    [Fact]
    public void Evaluate_BodyShapeAlone_SignalsButNotAi()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http($"{Internal}/whatever", ChatBody));

        Assert.False(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.Body], verdict.Signals);
    }

    [Fact]
    public void Evaluate_PathAndBody_IsSelfHostedAi()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http($"{Internal}/v1/chat/completions", ChatBody));

        Assert.True(verdict.IsAi);
        Assert.Equal(ShadowAiOptions.SelfHosted, verdict.Provider);
        Assert.Equal([ShadowAiReasons.Path, ShadowAiReasons.Body], verdict.Signals);
        Assert.Equal(1.2, verdict.Score, 3);
    }

    [Fact]
    public void Evaluate_PercentEncodedPath_DecodedLikeTheServerDoes()
    {
        var detector = Detector();
        var request = Http($"{Internal}:9100/v1/chat/completions", ChatBody) with { Path = "/v1/chat/%63ompletions" };

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Contains(ShadowAiReasons.Path, verdict.Signals);
    }

    [Fact]
    public void Evaluate_JsonBodySentAsTextPlain_StillReadsItsShape()
    {
        var detector = Detector();
        var request = Http($"{Internal}:9100/api/chat", """{"model":"llama3","messages":[{"role":"user","content":"hi"}]}""") with { ContentType = "text/plain" };

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Contains(ShadowAiReasons.Body, verdict.Signals);
    }

    [Fact]
    public void Evaluate_GenericGeneratePathAndTgiBody_IsAi()
    {
        var detector = Detector();

        var pathOnly = detector.Evaluate(Http($"{Internal}/generate"));
        var withBody = detector.Evaluate(Http($"{Internal}/generate", """{"inputs":"Hello","parameters":{"max_new_tokens":20}}"""));

        Assert.False(pathOnly.IsAi);
        Assert.Equal(0.4, pathOnly.Score, 3);
        Assert.True(withBody.IsAi);
    }

    [Theory]
    [InlineData(11434, 0.4)]
    [InlineData(8000, 0.2)]
    [InlineData(1234, 0.2)]
    [InlineData(443, 0.0)]
    public void Evaluate_PortAlone_WeakSignal(int port, double score)
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Connect("10.0.0.5", port));

        Assert.False(verdict.IsAi);
        Assert.Equal(score, verdict.Score, 3);
        Assert.Equal(score > 0, verdict.Signals.Contains(ShadowAiReasons.Port));
    }

    [Fact]
    public void Evaluate_OllamaPortAndPath_IsAiWithoutBody()
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http("http://gpu-box:11434/api/chat"));

        Assert.True(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.Path, ShadowAiReasons.Port], verdict.Signals);
    }

    [Fact]
    public void Evaluate_OpenAiKeyAndBody_IsAiAndKeyNowhereInVerdict()
    {
        var detector = Detector();
        var request = Http($"{Internal}/proxy", ChatBody, new() { ["Authorization"] = "Bearer " + FakeOpenAiKey });

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Contains(ShadowAiReasons.OpenAiKey, verdict.Signals);
        AssertNoKey(verdict, FakeOpenAiKey);
    }

    [Fact]
    public void Evaluate_AnthropicKeyInXApiKey_IsAiAlone()
    {
        var detector = Detector();
        var request = Http($"{Internal}/anything", headers: new() { ["x-api-key"] = FakeAnthropicKey });

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.AnthropicKey], verdict.Signals);
        AssertNoKey(verdict, FakeAnthropicKey);
    }

    [Fact]
    public void Evaluate_AnthropicVersionAndMessagesPath_IsAi()
    {
        var detector = Detector();
        var request = Http($"{Internal}/v1/messages", headers: new() { ["anthropic-version"] = "2023-06-01" });

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.Path, ShadowAiReasons.AnthropicVersion], verdict.Signals);
    }

    [Fact]
    public void Evaluate_AzureApiKeyHeaderAlone_WeakSignal()
    {
        var detector = Detector();
        var request = Http("https://api.example.com/v2/orders", headers: new() { ["api-key"] = "0123456789abcdef" });

        var verdict = detector.Evaluate(request);

        Assert.False(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.ApiKey], verdict.Signals);
        AssertNoKey(verdict, "0123456789abcdef");
    }

    [Fact]
    public void Evaluate_GoogApiKey_CountsOnlyOnGeminiPath()
    {
        var detector = Detector();
        var headers = new Dictionary<string, string> { ["x-goog-api-key"] = "AIzaSyFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE" };

        var maps = detector.Evaluate(Http("https://maps.googleapis.com/maps/api/geocode/json", headers: headers));
        var gemini = detector.Evaluate(Http($"{Internal}/v1beta/models/gemma:generateContent", headers: headers));

        Assert.Same(ShadowAiVerdict.NotAi, maps);
        Assert.True(gemini.IsAi);
        Assert.Contains(ShadowAiReasons.GoogApiKey, gemini.Signals);
        AssertNoKey(gemini, "AIzaSyFAKE");
    }

    [Fact]
    public void Evaluate_CatalogProviderHeader_Signals()
    {
        var detector = Detector();
        var request = Http($"{Internal}/x", ChatBody, new() { ["OpenAI-Organization"] = "org-123" });

        var verdict = detector.Evaluate(request);

        Assert.True(verdict.IsAi);
        Assert.Equal([ShadowAiReasons.ProviderHeader, ShadowAiReasons.Body], verdict.Signals);
    }

    [Theory]
    [InlineData("""{"contents":[{"parts":[{"text":"hi"}]}]}""", true)]
    [InlineData("""{"model":"m","prompt":"hi"}""", true)]
    [InlineData("""{"model":"m","input":["a","b"]}""", true)]
    [InlineData("""{"messages":[],"model":"m"}""", true)]
    [InlineData("""{"meta":{"model":"m","messages":[]}}""", false)]
    [InlineData("""{"model":42,"messages":[]}""", false)]
    [InlineData("""{"model":"m"}""", false)]
    [InlineData("""[{"model":"m","messages":[]}]""", false)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"tr""", true)]
    [InlineData("not json", false)]
    public void BodyWeight_Shapes_TopLevelOnly(string body, bool matches)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);

        var weight = AiBodyShape.Weight(bytes);

        Assert.Equal(matches ? 60 : 0, weight);
    }

    [Fact]
    public void Evaluate_BodyThatIsNotAJsonObject_ScoresNothing()
    {
        var detector = Detector();
        var request = Http($"{Internal}/v1/chat/completions", "model=gpt&messages=hi") with { ContentType = "application/x-www-form-urlencoded" };

        var verdict = detector.Evaluate(request);

        Assert.False(verdict.IsAi);
        Assert.DoesNotContain(ShadowAiReasons.Body, verdict.Signals);
    }

    [Theory]
    [InlineData("https://huggingface.co/TheBloke/Llama-2-7B-GGUF/resolve/main/llama-2-7b.Q4_K_M.gguf", "huggingface")]
    [InlineData("https://huggingface.co/bert-base-uncased/resolve/main/model.safetensors?download=true", "huggingface")]
    [InlineData("https://huggingface.co/Xenova/bert/resolve/main/onnx/model.onnx", "huggingface")]
    [InlineData("https://cdn-lfs.huggingface.co/repos/ab/cd/0123abcd", "huggingface")]
    [InlineData("https://cdn-lfs-us-1.hf.co/repos/ab/cd/0123abcd", "huggingface")]
    [InlineData("https://registry.ollama.ai/v2/library/llama3/manifests/latest", "ollama-registry")]
    public void Evaluate_ModelDownload_IsAiWithProvider(string url, string provider)
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http(url));

        Assert.True(verdict.IsAi);
        Assert.Equal(provider, verdict.Provider);
        Assert.Contains(ShadowAiReasons.ModelDownload, verdict.Signals);
    }

    [Theory]
    [InlineData("https://huggingface.co/meta-llama/Llama-3.1-8B")]
    [InlineData("https://huggingface.co/bert-base-uncased/blob/main/model.safetensors")]
    [InlineData("https://huggingface.co/datasets/squad/resolve/main/README.md")]
    public void Evaluate_HuggingFaceWebPage_NotAi(string url)
    {
        var detector = Detector();

        var verdict = detector.Evaluate(Http(url));

        Assert.False(verdict.IsAi);
    }

    [Fact]
    public void Evaluate_EveryKeyShape_NeverInVerdictText()
    {
        var detector = Detector();
        string[] keys = [FakeOpenAiKey, FakeAnthropicKey, "gsk_FAKEFAKEFAKEFAKEFAKE", "xai-FAKEFAKEFAKEFAKE", "pplx-FAKEFAKEFAKE", "r8_FAKEFAKEFAKEFAKE", "hf_FAKEFAKEFAKEFAKE"];

        foreach (var key in keys)
        {
            var verdict = detector.Evaluate(Http($"{Internal}/v1/chat/completions", ChatBody, new() { ["Authorization"] = "Bearer " + key, ["x-api-key"] = key }));

            Assert.True(verdict.IsAi);
            AssertNoKey(verdict, key);
        }
    }

    [Theory]
    [InlineData(PolicyMode.Enforce, ShadowAiAction.Block)]
    [InlineData(PolicyMode.Monitor, ShadowAiAction.Flag)]
    [InlineData(PolicyMode.Off, ShadowAiAction.Allow)]
    public void Evaluate_UnsanctionedAi_ActionByMode(PolicyMode mode, ShadowAiAction action)
    {
        var detector = Detector(mode, "anthropic");

        var verdict = detector.Evaluate(Connect("api.openai.com"));

        Assert.True(verdict.IsAi);
        Assert.False(verdict.Sanctioned);
        Assert.Equal(action, verdict.Action);
    }

    [Theory]
    [InlineData(PolicyMode.Enforce)]
    [InlineData(PolicyMode.Monitor)]
    [InlineData(PolicyMode.Off)]
    public void Evaluate_SanctionedAi_AllowedInEveryMode(PolicyMode mode)
    {
        var detector = Detector(mode, "OpenAI");

        var verdict = detector.Evaluate(Connect("api.openai.com"));

        Assert.True(verdict.IsAi);
        Assert.True(verdict.Sanctioned);
        Assert.Equal(ShadowAiAction.Allow, verdict.Action);
    }

    [Fact]
    public void Evaluate_SelfHostedSanctioned_Allowed()
    {
        var detector = Detector(PolicyMode.Enforce, ShadowAiOptions.SelfHosted);

        var verdict = detector.Evaluate(Http($"{Internal}/v1/chat/completions", ChatBody));

        Assert.Equal(ShadowAiAction.Allow, verdict.Action);
        Assert.True(verdict.Sanctioned);
    }

    [Fact]
    public void Evaluate_NotAiUnderEnforce_Allowed()
    {
        var detector = Detector(PolicyMode.Enforce);

        var verdict = detector.Evaluate(Connect("api.stripe.com"));

        Assert.Equal(ShadowAiAction.Allow, verdict.Action);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("10.2.0.1", false)]
    [InlineData("::ffff:10.1.9.9", true)]
    [InlineData("fd00:ab::17", true)]
    [InlineData("fd00:ac::17", false)]
    [InlineData("::1", true)]
    public void Evaluate_ExceptionByCidr_SanctionsListedProvider(string client, bool sanctioned)
    {
        var options = Options(PolicyMode.Enforce);
        options.Exceptions.Add(new ShadowAiExemption { Clients = ["10.1.0.0/16", "fd00:ab::/32", "::1/128"], Providers = ["openai"] });
        var detector = new ShadowAiDetector(options);

        var verdict = detector.Evaluate(Connect("api.openai.com", client: IPAddress.Parse(client)));
        var otherProvider = detector.Evaluate(Connect("api.anthropic.com", client: IPAddress.Parse(client)));

        Assert.Equal(sanctioned, verdict.Sanctioned);
        Assert.Equal(sanctioned ? ShadowAiAction.Allow : ShadowAiAction.Block, verdict.Action);
        Assert.False(otherProvider.Sanctioned);
    }

    [Fact]
    public void Evaluate_ExceptionByIdentity_FromRequestOrHeader()
    {
        var options = Options(PolicyMode.Enforce);
        options.Exceptions.Add(new ShadowAiExemption { Identities = ["build-bot"], Providers = ["*"] });
        var detector = new ShadowAiDetector(options);

        var byField = detector.Evaluate(Connect("api.anthropic.com", identity: "Build-Bot"));
        var byHeader = detector.Evaluate(Http("https://api.openai.com/v1/models", headers: new() { ["x-nethical-client"] = "build-bot" }));
        var stranger = detector.Evaluate(Connect("api.anthropic.com", identity: "alice"));

        Assert.True(byField.Sanctioned);
        Assert.True(byHeader.Sanctioned);
        Assert.False(stranger.Sanctioned);
        Assert.Equal(ShadowAiAction.Block, stranger.Action);
    }

    [Fact]
    public void Evaluate_OptionsReplaced_RebuildsOnNextRequest()
    {
        var current = Options(PolicyMode.Enforce);
        var detector = new ShadowAiDetector(() => current);
        var before = detector.Evaluate(Connect("api.openai.com"));

        current = Options(PolicyMode.Enforce, null, "openai");
        var after = detector.Evaluate(Connect("api.openai.com"));

        Assert.Equal(ShadowAiAction.Block, before.Action);
        Assert.Equal(ShadowAiAction.Allow, after.Action);
    }

    [Fact]
    public void Evaluate_InvalidReload_KeepsLastGoodTablesAndSaysWhy()
    {
        var current = Options(PolicyMode.Enforce);
        var detector = new ShadowAiDetector(() => current);

        current = Options(PolicyMode.Monitor, new AiCatalogOptions { Providers = [new AiProviderOptions { Name = "x", Hosts = ["api.*x.com"] }] });
        var verdict = detector.Evaluate(Connect("api.openai.com"));

        Assert.Equal(ShadowAiAction.Block, verdict.Action);
        Assert.Contains("api.*x.com", detector.LastReloadError, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var options = Options();
        options.Exceptions.Add(new ShadowAiExemption { Clients = ["10.1.2.3/16"], Providers = ["*"] });

        var error = Assert.Throws<InvalidOperationException>(() => new ShadowAiDetector(options));

        Assert.Contains("10.1.2.3/16", error.Message, StringComparison.Ordinal);
    }

    private static void AssertNoKey(ShadowAiVerdict verdict, string key)
    {
        Assert.DoesNotContain(key, verdict.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, verdict.Provider ?? "", StringComparison.Ordinal);
        foreach (var signal in verdict.Signals)
        {
            Assert.DoesNotContain(key, signal, StringComparison.Ordinal);
            Assert.StartsWith("ai.", signal, StringComparison.Ordinal);
        }
    }
}
