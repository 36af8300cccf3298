namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Recognises model artifact downloads: Hugging Face <c>/resolve/</c> files and its LFS and Xet storage hosts, the
/// Ollama registry, and files that are only ever a model's weights (GGUF, GGML, safetensors) on any host.
/// </summary>
internal static class ModelDownloads
{
    /// <summary>The provider for downloads from the Ollama registry.</summary>
    internal const string OllamaRegistry = "ollama-registry";

    /// <summary>The provider for downloads from Hugging Face.</summary>
    internal const string HuggingFace = "huggingface";

    private static readonly string[] HuggingFaceModelFiles = [".gguf", ".safetensors", ".onnx", ".bin", ".pt", ".pth", ".ckpt"];

    private static readonly string[] AnyHostModelFiles = [".gguf", ".ggml", ".safetensors"];

    /// <summary>
    /// <c>huggingface</c> for a model file under a Hugging Face <c>/resolve/</c> path or any request to its LFS and
    /// Xet storage hosts (where a CONNECT is enough); <c>ollama-registry</c> for the Ollama registry;
    /// <see cref="ShadowAiOptions.SelfHosted"/> for a weights-only file on any other host; else null.
    /// </summary>
    internal static string? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        var hosted = Hosted(host, path);
        if (hosted is not null || IsHuggingFaceSite(host))
        {
            // On Hugging Face's own site only /resolve/ is a download: a /blob/ page shows the file, it does not fetch it.
            return hosted;
        }

        // A file that is only ever a model's weights (GGUF, GGML, safetensors) is a model download on any host.
        var bare = WithoutQuery(path);
        foreach (var extension in AnyHostModelFiles)
        {
            if (bare.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return ShadowAiOptions.SelfHosted;
            }
        }

        return null;
    }

    private static string? Hosted(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        if (host.Equals("registry.ollama.ai", StringComparison.OrdinalIgnoreCase))
        {
            return OllamaRegistry;
        }

        var dot = host.IndexOf('.');
        if (dot > 0)
        {
            var first = host[..dot];
            var parent = host[(dot + 1)..];
            var hfParent = parent.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase) || parent.Equals("hf.co", StringComparison.OrdinalIgnoreCase);
            if ((hfParent && first.StartsWith("cdn-lfs", StringComparison.OrdinalIgnoreCase))
                || parent.Equals("xethub.hf.co", StringComparison.OrdinalIgnoreCase))
            {
                return HuggingFace;
            }
        }

        if (path.IsEmpty || !IsHuggingFaceSite(host))
        {
            return null;
        }

        path = WithoutQuery(path);
        if (path.IndexOf("/resolve/", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return null;
        }

        foreach (var extension in HuggingFaceModelFiles)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return HuggingFace;
            }
        }

        return null;
    }

    private static bool IsHuggingFaceSite(ReadOnlySpan<char> host) =>
        host.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase) || host.Equals("hf.co", StringComparison.OrdinalIgnoreCase)
        || host.Equals("www.huggingface.co", StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> WithoutQuery(ReadOnlySpan<char> path)
    {
        var cut = path.IndexOfAny('?', '#');
        return cut >= 0 ? path[..cut] : path;
    }
}
