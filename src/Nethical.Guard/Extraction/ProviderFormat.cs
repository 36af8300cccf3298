namespace Nethical.Guard.Extraction;

/// <summary>The request-body format of a provider API, named in route metadata.</summary>
public enum ProviderFormat
{
    /// <summary>Recognise the format from the body's top-level fields.</summary>
    Auto,

    /// <summary>OpenAI chat completions, Responses API and legacy completions (and OpenAI-compatible servers).</summary>
    OpenAi,

    /// <summary>Anthropic messages.</summary>
    Anthropic,

    /// <summary>Google Gemini <c>generateContent</c>.</summary>
    Gemini,

    /// <summary>Ollama <c>/api/chat</c> and <c>/api/generate</c>.</summary>
    Ollama,
}
