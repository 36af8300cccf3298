using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Tests.ShadowAi;

public sealed class AiEndpointCatalogTests
{
    private static AiEndpointCatalog Shipped() => AiEndpointCatalog.Build(ShadowAiTestData.ShippedCatalog);

    [Theory]
    [InlineData("api.openai.com", "openai")]
    [InlineData("api.anthropic.com", "anthropic")]
    [InlineData("generativelanguage.googleapis.com", "google-gemini")]
    [InlineData("us-central1-aiplatform.googleapis.com", "google-vertex-ai")]
    [InlineData("aiplatform.googleapis.com", "google-vertex-ai")]
    [InlineData("api.mistral.ai", "mistral")]
    [InlineData("router.huggingface.co", "huggingface")]
    public void Match_ExactHost_ReturnsProvider(string host, string provider)
    {
        var catalog = Shipped();

        var match = catalog.Match(host);

        Assert.Equal(provider, match);
    }

    [Theory]
    [InlineData("contoso.openai.azure.com", "azure-openai")]
    [InlineData("bedrock-runtime.us-east-1.amazonaws.com", "aws-bedrock")]
    [InlineData("bedrock-runtime.eu-central-1.amazonaws.com", "aws-bedrock")]
    [InlineData("my-endpoint.endpoints.huggingface.cloud", "huggingface")]
    [InlineData("xyz123.us-east-1.aws.endpoints.huggingface.cloud", "huggingface")]
    public void Match_WildcardHost_ReturnsProvider(string host, string provider)
    {
        var catalog = Shipped();

        var match = catalog.Match(host);

        Assert.Equal(provider, match);
    }

    [Theory]
    // '*' is exactly one label: a deeper host is not covered (the safe reading; list '*.*.x' to cover two).
    [InlineData("a.b.openai.azure.com")]
    [InlineData("openai.azure.com")]
    [InlineData("bedrock.us-east-1.amazonaws.com")]
    [InlineData("bedrock-runtime.amazonaws.com")]
    [InlineData("bedrock-runtime.a.b.amazonaws.com")]
    [InlineData("s3.amazonaws.com")]
    public void Match_WildcardCoversOneLabelOnly_ReturnsNull(string host)
    {
        var catalog = Shipped();

        var match = catalog.Match(host);

        Assert.Null(match);
    }

    [Theory]
    [InlineData("API.OpenAI.com", "openai")]
    [InlineData("api.openai.com.", "openai")]
    [InlineData("Contoso.OPENAI.Azure.com.", "azure-openai")]
    [InlineData("BEDROCK-RUNTIME.us-west-2.AMAZONAWS.COM", "aws-bedrock")]
    public void Match_CaseAndTrailingDot_Ignored(string host, string provider)
    {
        var catalog = Shipped();

        var match = catalog.Match(host);

        Assert.Equal(provider, match);
    }

    [Theory]
    [InlineData("openai.com.example.net")]
    [InlineData("api.openai.com.evil.io")]
    [InlineData("api.openweathermap.org")]
    [InlineData("myopenai.com")]
    [InlineData("notanthropic.com")]
    [InlineData("anthropic.com.evil.io")]
    [InlineData("xapi.openai.com")]
    [InlineData("api-openai.com")]
    [InlineData("contoso.openai.azure.com.evil.io")]
    [InlineData("openai.azure.com.attacker.net")]
    [InlineData(".openai.azure.com")]
    [InlineData("x..openai.azure.com")]
    [InlineData("")]
    [InlineData(".")]
    public void Match_LookAlike_ReturnsNull(string host)
    {
        var catalog = Shipped();

        var match = catalog.Match(host);

        Assert.Null(match);
    }

    [Fact]
    public void Match_ExactAndWildcardOverlap_ExactWins()
    {
        var catalog = AiEndpointCatalog.Build(Catalog(("wild", ["*.example.com"]), ("exact", ["api.example.com"])));

        Assert.Equal("exact", catalog.Match("api.example.com"));
        Assert.Equal("wild", catalog.Match("www.example.com"));
    }

    [Fact]
    public void Match_LiteralBranchDeadEnds_FallsBackToWildcard()
    {
        // For runtime.x.example.com the literal "x" branch leads only to "api.*.x", a dead end, so the wildcard
        // branch at "example" must be tried too.
        var catalog = AiEndpointCatalog.Build(Catalog(("a", ["runtime.*.example.com"]), ("b", ["api.*.x.example.com"])));

        Assert.Equal("a", catalog.Match("runtime.x.example.com"));
        Assert.Equal("b", catalog.Match("api.y.x.example.com"));
        Assert.Equal("a", catalog.Match("runtime.y.example.com"));
        Assert.Null(catalog.Match("other.x.example.com"));
    }

    [Fact]
    public void Build_TenThousandEntries_ResolvesEveryKind()
    {
        var options = Generated(10_000);

        var catalog = AiEndpointCatalog.Build(options);

        Assert.Equal(10_000 + ShadowAiTestData.ShippedCatalog.Providers.Count, catalog.ProviderCount);
        Assert.Equal("gen-0", catalog.Match("api.gen-0.example"));
        Assert.Equal("gen-9998", catalog.Match("api.gen-9998.example"));
        Assert.Equal("gen-4321", catalog.Match("tenant-7.gen-4321.example"));
        Assert.Equal("gen-777", catalog.Match("runtime.eu-west-3.gen-777.example"));
        Assert.Null(catalog.Match("a.b.gen-4321.example"));
        Assert.Null(catalog.Match("api.gen-10001.example"));
        Assert.Null(catalog.Match("runtime.a.b.gen-777.example"));
        Assert.Equal("openai", catalog.Match("api.openai.com"));
        Assert.Equal("aws-bedrock", catalog.Match("bedrock-runtime.us-east-1.amazonaws.com"));
        Assert.Null(catalog.Match("api.openai.com.evil.io"));
    }

    [Theory]
    [InlineData("api.*ai.com")]
    [InlineData("*api.openai.com")]
    [InlineData("api.openai.*")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("api..openai.com")]
    [InlineData("api.open ai.com")]
    public void Build_InvalidPattern_ThrowsNamingIt(string pattern)
    {
        var options = Catalog(("bad", [pattern]));

        var error = Assert.Throws<InvalidOperationException>(() => AiEndpointCatalog.Build(options));

        Assert.Contains("bad", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The shipped catalog plus <paramref name="count"/> generated providers, each with an exact host, a leading
    /// wildcard and (every third one) a middle wildcard.
    /// </summary>
    internal static AiCatalogOptions Generated(int count)
    {
        var options = new AiCatalogOptions();
        foreach (var provider in ShadowAiTestData.ShippedCatalog.Providers)
        {
            options.Providers.Add(provider);
        }

        for (var i = 0; i < count; i++)
        {
            var provider = new AiProviderOptions { Name = $"gen-{i}", Hosts = [$"api.gen-{i}.example", $"*.gen-{i}.example"] };
            if (i % 3 == 0)
            {
                provider.Hosts.Add($"runtime.*.gen-{i}.example");
            }

            options.Providers.Add(provider);
        }

        return options;
    }

    private static AiCatalogOptions Catalog(params (string Name, string[] Hosts)[] providers)
    {
        var options = new AiCatalogOptions();
        foreach (var (name, hosts) in providers)
        {
            options.Providers.Add(new AiProviderOptions { Name = name, Hosts = [.. hosts] });
        }

        return options;
    }
}
