using System.ComponentModel.DataAnnotations;
using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Tests.ShadowAi;

public sealed class ShadowAiOptionsTests
{
    [Fact]
    public void Validate_ShippedCatalog_NoErrors()
    {
        var options = new ShadowAiOptions { Catalog = ShadowAiTestData.ShippedCatalog, Sanctioned = ["openai", "self-hosted"] };

        var errors = Validate(options);

        Assert.Empty(errors);
    }

    [Fact]
    public void ShippedCatalog_CoversTheRequiredProviders()
    {
        string[] required = ["openai", "azure-openai", "anthropic", "google-gemini", "google-vertex-ai", "aws-bedrock", "mistral", "cohere", "groq", "together", "fireworks", "deepseek", "xai", "perplexity", "openrouter", "huggingface", "replicate", "ai21", "voyage"];
        var names = ShadowAiTestData.ShippedCatalog.Providers.Select(p => p.Name).ToHashSet();

        Assert.All(required, name => Assert.Contains(name, names));
    }

    [Theory]
    [InlineData("api.*ai.com", "inside a label")]
    [InlineData("api.openai.*", "last label")]
    [InlineData("", "empty")]
    [InlineData("a..b.com", "empty label")]
    [InlineData("bücher.example", "punycode")]
    public void Validate_BadHostPattern_ClearError(string pattern, string expected)
    {
        var options = new ShadowAiOptions { Catalog = new() { Providers = [new AiProviderOptions { Name = "p", Hosts = [pattern] }] } };

        var errors = Validate(options);

        var error = Assert.Single(errors);
        Assert.Contains("Providers[0] (p)", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.0.0/33")]
    [InlineData("10.1.2.3/16")]
    [InlineData("not-an-address")]
    [InlineData("fd00::/200")]
    public void Validate_BadCidr_ClearError(string cidr)
    {
        var options = new ShadowAiOptions { Exceptions = [new ShadowAiExemption { Clients = [cidr], Providers = ["*"] }] };

        var errors = Validate(options);

        var error = Assert.Single(errors);
        Assert.Contains("Exceptions[0]:Clients[0]", error, StringComparison.Ordinal);
        Assert.Contains(cidr, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameHostTwoProviders_Error()
    {
        var options = new ShadowAiOptions
        {
            Catalog = new() { Providers = [new AiProviderOptions { Name = "a", Hosts = ["api.x.com"] }, new AiProviderOptions { Name = "b", Hosts = ["API.X.com."] }] },
        };

        var errors = Validate(options);

        Assert.Contains(errors, e => e.Contains("also listed by 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ExceptionWithoutProvidersOrClients_Errors()
    {
        var options = new ShadowAiOptions { Exceptions = [new ShadowAiExemption()] };

        var errors = Validate(options);

        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Defaults_MonitorAndIdentityHeader()
    {
        var options = new ShadowAiOptions();

        Assert.Equal(Nethical.Guard.Policy.PolicyMode.Monitor, options.Mode);
        Assert.Equal("X-Nethical-Client", options.IdentityHeader);
        Assert.Equal("ShadowAi", ShadowAiOptions.SectionName);
    }

    private static List<string> Validate(ShadowAiOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }
}
