namespace Nethical.Guard.ShadowAi;

/// <summary>The AI API path signatures checked on every host: the built-in ones and each catalog provider's own.</summary>
internal static class AiPathSignatures
{
    /// <summary>The weight, in hundredths, of a path that only a model API uses.</summary>
    internal const int SpecificPathWeight = 60;

    /// <summary>The weight of a generic path name that model servers use among others.</summary>
    internal const int GenericPathWeight = 40;

    /// <summary>Path signatures checked on every host, with their weights (hundredths).</summary>
    internal static readonly (string Pattern, int Weight)[] BuiltIn =
    [
        // OpenAI and every OpenAI-compatible server (vLLM, LM Studio, llama.cpp, LocalAI, LiteLLM, Azure's /openai/v1).
        ("/v1/chat/completions", SpecificPathWeight),
        ("/v1/completions", SpecificPathWeight),
        ("/v1/embeddings", SpecificPathWeight),
        ("/v1/responses", SpecificPathWeight),
        // Azure OpenAI deployments.
        ("/openai/deployments/*/chat/completions", SpecificPathWeight),
        ("/openai/deployments/*/completions", SpecificPathWeight),
        ("/openai/deployments/*/embeddings", SpecificPathWeight),
        // Anthropic.
        ("/v1/messages", SpecificPathWeight),
        // Gemini and Vertex AI.
        (":generateContent", SpecificPathWeight),
        (":streamGenerateContent", SpecificPathWeight),
        // Ollama.
        ("/api/generate", SpecificPathWeight),
        ("/api/chat", SpecificPathWeight),
        ("/api/embeddings", SpecificPathWeight),
        ("/api/embed", SpecificPathWeight),
        ("/api/tags", SpecificPathWeight),
        ("/api/pull", SpecificPathWeight),
        // Bedrock runtime.
        ("/model/*/invoke", SpecificPathWeight),
        ("/model/*/invoke-with-response-stream", SpecificPathWeight),
        ("/model/*/converse", SpecificPathWeight),
        ("/model/*/converse-stream", SpecificPathWeight),
        // Hugging Face text-generation-inference: generic names, so weaker.
        ("/generate", GenericPathWeight),
        ("/generate_stream", GenericPathWeight),
        // llama.cpp's own server.
        ("/completion", GenericPathWeight),
    ];

    /// <summary>The built-in signatures plus each catalog provider's paths, at the specific weight.</summary>
    public static PathSignatureSet Build(AiCatalogOptions catalog)
    {
        var signatures = new List<PathSignature>(BuiltIn.Length);
        foreach (var (pattern, weight) in BuiltIn)
        {
            signatures.Add(PathSignature.Create(pattern, weight));
        }

        foreach (var provider in catalog.Providers)
        {
            foreach (var path in provider.Paths)
            {
                signatures.Add(PathSignature.Create(path.Trim(), SpecificPathWeight));
            }
        }

        return new PathSignatureSet(signatures);
    }
}
