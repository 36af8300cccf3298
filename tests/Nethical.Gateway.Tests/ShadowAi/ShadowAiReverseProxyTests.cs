using System.Net;
using System.Text;
using System.Text.Json;
using Nethical.Gateway.Tests.Infrastructure;

namespace Nethical.Gateway.Tests.ShadowAi;

/// <summary>
/// Shadow-AI detection in reverse-proxy mode. The fake upstream listens on loopback, so the destination host is not a
/// catalog host: these requests are AI by their signatures (an Anthropic key and version header), i.e. self-hosted AI,
/// which the policy does not sanction.
/// </summary>
public sealed class ShadowAiReverseProxyTests(ShadowAiEnforceGatewayFixture gateway) : IClassFixture<ShadowAiEnforceGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string MessagesBody = """{"model":"claude-x","max_tokens":16,"messages":[{"role":"user","content":"Summarise the meeting."}]}""";

    private static HttpRequestMessage AnthropicRequest(string? identity = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages")
        {
            Content = new StringContent(MessagesBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-ant-api03-secretsecretsecret");
        request.Headers.Add("anthropic-version", "2023-06-01");
        if (identity is not null)
        {
            request.Headers.Add("X-Nethical-Client", identity);
        }
        return request;
    }

    [Fact]
    public async Task Invoke_UnsanctionedAiUnderEnforce_Blocked403ProviderShapedUpstreamNotCalled()
    {
        var before = gateway.Upstream.Requests.Count;
        using var request = AnthropicRequest();

        using var response = await gateway.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("shadow_ai_unsanctioned", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant-api03", body, StringComparison.Ordinal);
        Assert.Equal(before, gateway.Upstream.Requests.Count);
        Assert.Contains(gateway.Logs.GetSnapshot(), r => r.Id.Name == "ShadowAiBlocked" && !r.Message.Contains("sk-ant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_ClientWithAnException_PassesTaggedSanctioned()
    {
        using var request = AnthropicRequest(identity: "build-bot");

        using var response = await gateway.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("self-hosted; sanctioned; allow", gateway.Upstream.LastRequest.Header("x-nethical-shadow-ai"));
        Assert.Null(gateway.Upstream.LastRequest.Header("x-nethical-client"));
    }

    [Fact]
    public async Task Invoke_NotAiTraffic_PassesUntouched()
    {
        using var response = await gateway.Client.PostAsync(
            "/openai/v1/files",
            new StringContent("""{"purpose":"batch"}""", Encoding.UTF8, "application/json"),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(gateway.Upstream.LastRequest.Header("x-nethical-shadow-ai"));
    }

    [Fact]
    public async Task Invoke_ForgedShadowAiHeader_IsRemoved()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/files")
        {
            Content = new StringContent("""{"purpose":"batch"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-nethical-shadow-ai", "openai; sanctioned; allow");

        using var response = await gateway.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(gateway.Upstream.LastRequest.Header("x-nethical-shadow-ai"));
    }

    [Theory]
    [InlineData("https://api.mistral.ai/v1/chat/completions", true, "mistral")]
    [InlineData("https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/invoke", true, "aws-bedrock")]
    [InlineData("https://api.github.com/repos/dotnet/yarp", false, null)]
    [InlineData("https://api.openai.com.evil.example/v1/chat/completions", false, null)]
    public async Task GuardApi_Url_ClassifiedByTheCatalog(string url, bool ai, string? provider)
    {
        using var response = await gateway.Client.PostAsync(
            "/v1/guard/shadow-ai",
            new StringContent(JsonSerializer.Serialize(new { url }), Encoding.UTF8, "application/json"),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(ai, document.RootElement.GetProperty("ai").GetBoolean());
        Assert.Equal(provider, document.RootElement.GetProperty("provider").GetString());
        if (ai)
        {
            Assert.Equal("block", document.RootElement.GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task GuardApi_SelfHostedByPathAndBody_NeverEchoesTheKey()
    {
        var request = new
        {
            url = "http://10.2.3.4:8000/v1/chat/completions",
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer sk-proj-verysecretkey" },
            body = new { model = "llama-3", messages = new[] { new { role = "user", content = "hi" } } },
        };

        using var response = await gateway.Client.PostAsync("/v1/guard/shadow-ai", new StringContent(JsonSerializer.Serialize(request), Encoding.UTF8, "application/json"), Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("verysecret", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        Assert.True(document.RootElement.GetProperty("ai").GetBoolean());
        Assert.Equal("self-hosted", document.RootElement.GetProperty("provider").GetString());
        var signals = document.RootElement.GetProperty("signals").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("ai.path", signals);
        Assert.Contains("ai.body", signals);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"url":"ftp://example.com/x"}""")]
    [InlineData("""{"nourl":1}""")]
    public async Task GuardApi_BadRequest_400(string body)
    {
        using var response = await gateway.Client.PostAsync("/v1/guard/shadow-ai", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
