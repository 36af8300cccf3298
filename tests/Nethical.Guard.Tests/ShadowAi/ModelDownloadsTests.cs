using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Tests.ShadowAi;

public sealed class ModelDownloadsTests
{
    [Theory]
    [InlineData("huggingface.co", "/TheBloke/Llama-2-7B-GGUF/resolve/main/llama-2-7b.Q4_K_M.gguf", ModelDownloads.HuggingFace)]
    [InlineData("hf.co", "/bert-base-uncased/resolve/main/pytorch_model.bin?download=true", ModelDownloads.HuggingFace)]
    [InlineData("cdn-lfs.huggingface.co", "", ModelDownloads.HuggingFace)]
    [InlineData("cas-bridge.xethub.hf.co", "/xet-bridge-us/abc", ModelDownloads.HuggingFace)]
    [InlineData("registry.ollama.ai", "/v2/library/llama3/blobs/sha256:abc", ModelDownloads.OllamaRegistry)]
    [InlineData("files.example.com", "/weights/model.safetensors#part", ShadowAiOptions.SelfHosted)]
    [InlineData("files.example.com", "/llama.GGUF?x=1", ShadowAiOptions.SelfHosted)]
    public void Match_ModelArtifact_ReturnsProvider(string host, string path, string provider)
    {
        Assert.Equal(provider, ModelDownloads.Match(host, path));
    }

    [Theory]
    [InlineData("huggingface.co", "/TheBloke/Llama-2-7B-GGUF/blob/main/llama-2-7b.Q4_K_M.gguf")]
    [InlineData("huggingface.co", "/bert-base-uncased/resolve/main/config.json")]
    [InlineData("huggingface.co", "")]
    [InlineData("files.example.com", "/weights/model.bin")]
    [InlineData("files.example.com", "/model.gguf/readme.txt")]
    [InlineData("lfs.example.com", "/repos/ab/cd")]
    public void Match_OtherRequests_ReturnsNull(string host, string path)
    {
        Assert.Null(ModelDownloads.Match(host, path));
    }
}
