namespace Nethical.Guard.ShadowAi;

/// <summary>One AI provider in the catalog.</summary>
public sealed class AiProviderOptions
{
    /// <summary>The provider's name (<c>openai</c>), unique in the catalog; verdicts and <see cref="ShadowAiOptions.Sanctioned"/> use it.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Host names, exact (<c>api.openai.com</c>) or with <c>*</c> standing for exactly one whole DNS label, anywhere
    /// but the last (<c>*.openai.azure.com</c>, <c>bedrock-runtime.*.amazonaws.com</c>). Case-insensitive; IDNs as punycode.
    /// </summary>
    public IList<string> Hosts { get; set; } = [];

    /// <summary>
    /// API paths that mark a request as this kind of AI on any host, matched against the end of the request path
    /// (<c>/v1/chat/completions</c>, <c>/model/*/converse</c> with <c>*</c> as one segment, <c>:generateContent</c>
    /// for the end of the last segment). Weighted as a specific path signature (<c>ai.path</c>).
    /// </summary>
    public IList<string> Paths { get; set; } = [];

    /// <summary>Request header names peculiar to this provider's API (<c>openai-organization</c>): the <c>ai.header.provider</c> signal.</summary>
    public IList<string> Headers { get; set; } = [];
}
