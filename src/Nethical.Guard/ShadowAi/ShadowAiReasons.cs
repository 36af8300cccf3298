namespace Nethical.Guard.ShadowAi;

/// <summary>
/// The reason codes in <see cref="ShadowAiVerdict.Signals"/>, a fixed set (safe as a metric tag). Each is one
/// independent signal with its own weight; a request is AI when the weights of the signals that fired sum to 1.0.
/// </summary>
public static class ShadowAiReasons
{
    /// <summary>The host is in the catalog (1.0).</summary>
    public const string Host = "ai.host";

    /// <summary>The path ends with an AI API signature: 0.6 for a specific one (<c>/v1/chat/completions</c>), 0.4 for TGI's generic <c>/generate</c>.</summary>
    public const string Path = "ai.path";

    /// <summary>The port is a local model server's default: 0.4 for Ollama's 11434, 0.2 for the others.</summary>
    public const string Port = "ai.port";

    /// <summary>A bearer token shaped like an OpenAI-style key (<c>sk-</c>, as OpenAI, OpenRouter, DeepSeek issue): 0.6.</summary>
    public const string OpenAiKey = "ai.header.openai_key";

    /// <summary>An Anthropic key (<c>sk-ant-</c>) in <c>Authorization</c> or <c>x-api-key</c>: 1.0.</summary>
    public const string AnthropicKey = "ai.header.anthropic_key";

    /// <summary>Another provider's key shape (<c>gsk_</c> Groq, <c>xai-</c>, <c>pplx-</c>, <c>r8_</c> Replicate: 0.8; <c>hf_</c>: 0.6).</summary>
    public const string ProviderKey = "ai.header.provider_key";

    /// <summary>An <c>anthropic-version</c> header: 0.8.</summary>
    public const string AnthropicVersion = "ai.header.anthropic_version";

    /// <summary>An <c>api-key</c> header, as Azure OpenAI takes (and other APIs too): 0.4.</summary>
    public const string ApiKey = "ai.header.api_key";

    /// <summary>An <c>x-goog-api-key</c> header on a Gemini-shaped (<c>:method</c>) path: 0.4.</summary>
    public const string GoogApiKey = "ai.header.goog_api_key";

    /// <summary>A header that a catalog provider lists as peculiar to its API: 0.6.</summary>
    public const string ProviderHeader = "ai.header.provider";

    /// <summary>A JSON body with a model request's top-level shape: 0.6.</summary>
    public const string Body = "ai.body";

    /// <summary>A model artifact download (Hugging Face <c>/resolve/</c> files and LFS hosts, the Ollama registry): 1.0.</summary>
    public const string ModelDownload = "ai.model_download";
}
