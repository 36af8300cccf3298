using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using Nethical.Guard.Policy;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Finds AI traffic in outbound requests from independent weighted signals (host, path, port, headers, body shape,
/// model downloads) and applies the sanction policy. The look-up tables are built once per options value: given a
/// <see cref="Func{TResult}"/> such as <c>() =&gt; monitor.CurrentValue</c>, a new options object (a reload) rebuilds
/// them on the next request; an invalid one is refused (<see cref="LastReloadError"/>) and the last good tables stay.
/// </summary>
public sealed class ShadowAiDetector : IShadowAiDetector
{
    /// <summary>The summed weight, in hundredths, at which a request is AI.</summary>
    internal const int Threshold = 100;

    /// <summary>Most body bytes the shape check reads.</summary>
    internal const int MaxBodyScanBytes = 256 * 1024;

    internal const int SpecificPathWeight = 60;
    internal const int GenericPathWeight = 40;

    /// <summary>Path signatures checked on every host, with their weights (hundredths).</summary>
    internal static readonly (string Pattern, int Weight)[] BuiltInPaths =
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

    private readonly Func<ShadowAiOptions> _options;
    private readonly Lock _gate = new();
    private volatile State _state;
    private ShadowAiOptions? _rejected;

    /// <summary>A detector over fixed options; throws <see cref="InvalidOperationException"/> when they are invalid.</summary>
    public ShadowAiDetector(ShadowAiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = () => options;
        _state = State.Build(options);
    }

    /// <summary>
    /// A detector that follows <paramref name="currentOptions"/> (for example <c>() =&gt; monitor.CurrentValue</c>);
    /// throws <see cref="InvalidOperationException"/> when the first value is invalid.
    /// </summary>
    public ShadowAiDetector(Func<ShadowAiOptions> currentOptions)
    {
        ArgumentNullException.ThrowIfNull(currentOptions);
        _options = currentOptions;
        _state = State.Build(currentOptions());
    }

    /// <summary>Why the last options value was refused (the previous tables stay in use); null after a good one.</summary>
    public string? LastReloadError { get; private set; }

    internal AiEndpointCatalog Catalog => Current.Catalog;

    internal ShadowAiOptions Options => Current.Options;

    private State Current
    {
        get
        {
            var state = _state;
            var options = _options();
            return ReferenceEquals(options, state.Options) || ReferenceEquals(options, _rejected) ? state : Rebuild(options);
        }
    }

    public ShadowAiVerdict Evaluate(OutboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = Current;
        Span<int> weights = stackalloc int[Codes.Length];

        var host = request.Host.AsSpan();
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        var provider = state.Catalog.Match(host);
        if (provider is not null)
        {
            weights[HostIndex] = 100;
        }

        // Servers decode the path before routing (/v1/chat/%63ompletions is /v1/chat/completions to vLLM): so does the
        // detector. Only a path with an escape pays for it.
        var path = request.Path is { } raw && raw.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(raw).AsSpan() : request.Path.AsSpan();
        var methodPath = false;
        if (!path.IsEmpty)
        {
            weights[PathIndex] = state.Paths.Match(path, out methodPath);
        }

        weights[PortIndex] = PortWeight(request.Port);

        string? identity = request.ClientIdentity;
        if (request.Headers is { Count: > 0 } headers)
        {
            if (headers is Dictionary<string, string> dictionary)
            {
                foreach (var (name, value) in dictionary)
                {
                    ScoreHeader(state, name, value, methodPath, weights);
                }
            }
            else
            {
                foreach (var (name, value) in headers)
                {
                    ScoreHeader(state, name, value, methodPath, weights);
                }
            }

            if (identity is null && headers.TryGetValue(state.Options.IdentityHeader, out var fromHeader))
            {
                identity = fromHeader;
            }
        }

        // The body's own bytes decide, not its Content-Type: Ollama, llama.cpp and vLLM read JSON sent as text/plain
        // (BodyWeight needs a JSON object, so other bodies score nothing).
        if (!request.Body.IsEmpty)
        {
            weights[BodyIndex] = BodyWeight(request.Body.Span);
        }

        var downloadProvider = ModelDownload(host, path);
        if (downloadProvider is not null)
        {
            weights[DownloadIndex] = 100;
        }

        var score = 0;
        var fired = 0;
        foreach (var weight in weights)
        {
            if (weight > 0)
            {
                score += weight;
                fired++;
            }
        }

        if (fired == 0)
        {
            return ShadowAiVerdict.NotAi;
        }

        var signals = new string[fired];
        for (int i = 0, j = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                signals[j++] = Codes[i];
            }
        }

        if (score < Threshold)
        {
            return new ShadowAiVerdict(false, null, signals, false, ShadowAiAction.Allow, score / 100.0);
        }

        provider ??= downloadProvider ?? ShadowAiOptions.SelfHosted;
        var sanctioned = state.IsSanctioned(provider, request.ClientAddress, identity);
        var action = sanctioned || state.Options.Mode == PolicyMode.Off
            ? ShadowAiAction.Allow
            : state.Options.Mode == PolicyMode.Enforce ? ShadowAiAction.Block : ShadowAiAction.Flag;
        return new ShadowAiVerdict(true, provider, signals, sanctioned, action, score / 100.0);
    }

    private State Rebuild(ShadowAiOptions options)
    {
        lock (_gate)
        {
            if (ReferenceEquals(options, _state.Options) || ReferenceEquals(options, _rejected))
            {
                return _state;
            }

            try
            {
                _state = State.Build(options);
                _rejected = null;
                LastReloadError = null;
            }
            catch (InvalidOperationException e)
            {
                // Refuse the new value, keep the last good tables: a typo in the catalog must not open or close the gate.
                _rejected = options;
                LastReloadError = e.Message;
            }

            return _state;
        }
    }

    private const int HostIndex = 0;
    private const int PathIndex = 1;
    private const int PortIndex = 2;
    private const int OpenAiKeyIndex = 3;
    private const int AnthropicKeyIndex = 4;
    private const int ProviderKeyIndex = 5;
    private const int AnthropicVersionIndex = 6;
    private const int ApiKeyIndex = 7;
    private const int GoogApiKeyIndex = 8;
    private const int ProviderHeaderIndex = 9;
    private const int BodyIndex = 10;
    private const int DownloadIndex = 11;

    private static readonly string[] Codes =
    [
        ShadowAiReasons.Host,
        ShadowAiReasons.Path,
        ShadowAiReasons.Port,
        ShadowAiReasons.OpenAiKey,
        ShadowAiReasons.AnthropicKey,
        ShadowAiReasons.ProviderKey,
        ShadowAiReasons.AnthropicVersion,
        ShadowAiReasons.ApiKey,
        ShadowAiReasons.GoogApiKey,
        ShadowAiReasons.ProviderHeader,
        ShadowAiReasons.Body,
        ShadowAiReasons.ModelDownload,
    ];

    /// <summary>
    /// Default ports of local model servers. 11434 (Ollama) is its own; the rest are shared with ordinary web
    /// servers, so they only tip a request that other signals already point at: 1234 LM Studio, 1337 Jan,
    /// 4000 LiteLLM proxy, 4891 GPT4All, 5001 KoboldCpp, 7860 Gradio (text-generation-webui, Spaces),
    /// 8000 vLLM, 8080 llama.cpp server / TGI / LocalAI. 3000 and 5000 are left out: every dev server uses them.
    /// </summary>
    internal static int PortWeight(int port) => port switch
    {
        11434 => 40,
        1234 or 1337 or 4000 or 4891 or 5001 or 7860 or 8000 or 8080 => 20,
        _ => 0,
    };

    private enum HeaderKind
    {
        Authorization,
        XApiKey,
        AnthropicVersion,
        ApiKey,
        GoogApiKey,
        Provider,
    }

    private static void ScoreHeader(State state, string name, string? value, bool methodPath, Span<int> weights)
    {
        if (!state.Headers.TryGetValue(name, out var kind))
        {
            return;
        }

        switch (kind)
        {
            case HeaderKind.Authorization:
                var token = value.AsSpan().Trim();
                if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    ScoreKey(token[7..].TrimStart(), weights);
                }

                break;
            case HeaderKind.XApiKey:
                ScoreKey(value.AsSpan().Trim(), weights);
                break;
            case HeaderKind.AnthropicVersion:
                Raise(weights, AnthropicVersionIndex, 80);
                break;
            case HeaderKind.ApiKey:
                Raise(weights, ApiKeyIndex, 40);
                break;
            case HeaderKind.GoogApiKey:
                if (methodPath)
                {
                    Raise(weights, GoogApiKeyIndex, 40);
                }

                break;
            default:
                Raise(weights, ProviderHeaderIndex, 60);
                break;
        }
    }

    /// <summary>Scores a key by its prefix alone; the key itself goes nowhere.</summary>
    private static void ScoreKey(ReadOnlySpan<char> key, Span<int> weights)
    {
        if (key.StartsWith("sk-ant-", StringComparison.Ordinal))
        {
            Raise(weights, AnthropicKeyIndex, 100);
        }
        else if (key.StartsWith("sk-", StringComparison.Ordinal) && key.Length > 20)
        {
            Raise(weights, OpenAiKeyIndex, 60);
        }
        else if (key.StartsWith("gsk_", StringComparison.Ordinal) || key.StartsWith("xai-", StringComparison.Ordinal)
            || key.StartsWith("pplx-", StringComparison.Ordinal) || key.StartsWith("r8_", StringComparison.Ordinal))
        {
            Raise(weights, ProviderKeyIndex, 80);
        }
        else if (key.StartsWith("hf_", StringComparison.Ordinal))
        {
            Raise(weights, ProviderKeyIndex, 60);
        }
    }

    private static void Raise(Span<int> weights, int index, int weight)
    {
        if (weights[index] < weight)
        {
            weights[index] = weight;
        }
    }

    /// <summary>
    /// 0.6 for a JSON object whose top level has a <c>model</c> string with <c>messages</c>, <c>prompt</c>,
    /// <c>contents</c> or <c>input</c>; Gemini's <c>contents</c> array alone; or TGI's <c>inputs</c> with
    /// <c>parameters</c>. Reads at most <see cref="MaxBodyScanBytes"/>; nested values are skipped, not read.
    /// </summary>
    internal static int BodyWeight(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        body = body.TrimStart(" \t\r\n"u8);
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return 0;
        }

        var final = body.Length <= MaxBodyScanBytes;
        var reader = new Utf8JsonReader(final ? body : body[..MaxBodyScanBytes], isFinalBlock: final, state: default);
        bool model = false, messages = false, prompt = false, contents = false, input = false, inputs = false, parameters = false, predict = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Property.Other;
                if (reader.ValueTextEquals("model"u8))
                {
                    name = Property.Model;
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    name = Property.Messages;
                }
                else if (reader.ValueTextEquals("prompt"u8))
                {
                    name = Property.Prompt;
                }
                else if (reader.ValueTextEquals("contents"u8))
                {
                    name = Property.Contents;
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    name = Property.Input;
                }
                else if (reader.ValueTextEquals("inputs"u8))
                {
                    name = Property.Inputs;
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    name = Property.Parameters;
                }
                else if (reader.ValueTextEquals("n_predict"u8))
                {
                    name = Property.Predict;
                }

                if (!reader.Read())
                {
                    break;
                }

                var type = reader.TokenType;
                switch (name)
                {
                    case Property.Model:
                        model = type == JsonTokenType.String;
                        break;
                    case Property.Messages:
                        messages = type == JsonTokenType.StartArray;
                        break;
                    case Property.Prompt:
                        prompt = type is JsonTokenType.String or JsonTokenType.StartArray;
                        break;
                    case Property.Contents:
                        contents = type == JsonTokenType.StartArray;
                        break;
                    case Property.Input:
                        input = type is JsonTokenType.String or JsonTokenType.StartArray;
                        break;
                    case Property.Inputs:
                        inputs = type is JsonTokenType.String or JsonTokenType.StartArray or JsonTokenType.StartObject;
                        break;
                    case Property.Parameters:
                        parameters = type == JsonTokenType.StartObject;
                        break;
                    case Property.Predict:
                        predict = type == JsonTokenType.Number;
                        break;
                    default:
                        break;
                }

                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed past some point: judge by what was read before it.
        }

        return (model && (messages || prompt || contents || input)) || contents || (inputs && parameters) || (prompt && predict) ? 60 : 0;
    }

    private enum Property
    {
        Other,
        Model,
        Messages,
        Prompt,
        Contents,
        Input,
        Inputs,
        Parameters,
        Predict,
    }

    private static readonly string[] HuggingFaceModelFiles = [".gguf", ".safetensors", ".onnx", ".bin", ".pt", ".pth", ".ckpt"];

    /// <summary>
    /// <c>huggingface</c> for a model file under a Hugging Face <c>/resolve/</c> path or any request to its LFS and
    /// Xet storage hosts (where a CONNECT is enough); <c>ollama-registry</c> for the Ollama registry; else null.
    /// </summary>
    internal static string? ModelDownload(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        var hosted = HostedModelDownload(host, path);
        if (hosted is not null
            || host.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase) || host.Equals("hf.co", StringComparison.OrdinalIgnoreCase)
            || host.Equals("www.huggingface.co", StringComparison.OrdinalIgnoreCase))
        {
            // On Hugging Face's own site only /resolve/ is a download: a /blob/ page shows the file, it does not fetch it.
            return hosted;
        }

        // A file that is only ever a model's weights (GGUF, GGML, safetensors) is a model download on any host.
        var bare = path;
        var cut = bare.IndexOfAny('?', '#');
        if (cut >= 0)
        {
            bare = bare[..cut];
        }
        foreach (var extension in AnyHostModelFiles)
        {
            if (bare.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return ShadowAiOptions.SelfHosted;
            }
        }
        return null;
    }

    private static readonly string[] AnyHostModelFiles = [".gguf", ".ggml", ".safetensors"];

    private static string? HostedModelDownload(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        if (host.Equals("registry.ollama.ai", StringComparison.OrdinalIgnoreCase))
        {
            return "ollama-registry";
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
                return "huggingface";
            }
        }

        if (path.IsEmpty
            || !(host.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase) || host.Equals("hf.co", StringComparison.OrdinalIgnoreCase)
                || host.Equals("www.huggingface.co", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }

        if (path.IndexOf("/resolve/", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return null;
        }

        foreach (var extension in HuggingFaceModelFiles)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return "huggingface";
            }
        }

        return null;
    }

    /// <summary>Everything built from one options value.</summary>
    private sealed class State
    {
        private readonly FrozenSet<string> _sanctioned;
        private readonly Exemption[] _exemptions;

        private State(ShadowAiOptions options, AiEndpointCatalog catalog, PathSignatureSet paths, FrozenDictionary<string, HeaderKind> headers, FrozenSet<string> sanctioned, Exemption[] exemptions)
        {
            Options = options;
            Catalog = catalog;
            Paths = paths;
            Headers = headers;
            _sanctioned = sanctioned;
            _exemptions = exemptions;
        }

        public ShadowAiOptions Options { get; }

        public AiEndpointCatalog Catalog { get; }

        public PathSignatureSet Paths { get; }

        public FrozenDictionary<string, HeaderKind> Headers { get; }

        public static State Build(ShadowAiOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var errors = new List<string>();
            ShadowAiOptionsValidation.Validate(options, errors);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The ShadowAi options are invalid: " + string.Join(" ", errors));
            }

            var catalogOptions = options.Catalog ?? new AiCatalogOptions();
            var catalog = AiEndpointCatalog.Build(catalogOptions);
            var signatures = new List<PathSignature>(BuiltInPaths.Length);
            foreach (var (pattern, weight) in BuiltInPaths)
            {
                signatures.Add(PathSignature.Create(pattern, weight));
            }

            var headers = new Dictionary<string, HeaderKind>(StringComparer.OrdinalIgnoreCase);
            foreach (var provider in catalogOptions.Providers)
            {
                foreach (var path in provider.Paths)
                {
                    signatures.Add(PathSignature.Create(path.Trim(), SpecificPathWeight));
                }

                foreach (var header in provider.Headers)
                {
                    headers.TryAdd(header.Trim(), HeaderKind.Provider);
                }
            }

            // The built-in header signals win over a catalog entry of the same name.
            headers["authorization"] = HeaderKind.Authorization;
            headers["x-api-key"] = HeaderKind.XApiKey;
            headers["anthropic-version"] = HeaderKind.AnthropicVersion;
            headers["api-key"] = HeaderKind.ApiKey;
            headers["x-goog-api-key"] = HeaderKind.GoogApiKey;

            var exemptions = new Exemption[options.Exceptions.Count];
            for (var i = 0; i < exemptions.Length; i++)
            {
                exemptions[i] = Exemption.Create(options.Exceptions[i]);
            }

            return new State(
                options,
                catalog,
                new PathSignatureSet(signatures),
                headers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
                Trimmed(options.Sanctioned).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                exemptions);
        }

        public bool IsSanctioned(string provider, IPAddress? client, string? identity)
        {
            if (_sanctioned.Contains(provider))
            {
                return true;
            }

            if (_exemptions.Length == 0)
            {
                return false;
            }

            if (client is { IsIPv4MappedToIPv6: true })
            {
                client = client.MapToIPv4();
            }

            foreach (var exemption in _exemptions)
            {
                if (exemption.Covers(provider) && exemption.Matches(client, identity))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static IEnumerable<string> Trimmed(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            yield return value.Trim();
        }
    }

    private sealed class Exemption
    {
        private readonly IPNetwork[] _networks;
        private readonly FrozenSet<string> _identities;
        private readonly FrozenSet<string> _providers;
        private readonly bool _everyProvider;

        private Exemption(IPNetwork[] networks, FrozenSet<string> identities, FrozenSet<string> providers)
        {
            _networks = networks;
            _identities = identities;
            _providers = providers;
            _everyProvider = providers.Contains("*");
        }

        public static Exemption Create(ShadowAiExemption options)
        {
            var networks = new IPNetwork[options.Clients.Count];
            for (var i = 0; i < networks.Length; i++)
            {
                if (!ShadowAiOptionsValidation.TryParseNetwork(options.Clients[i], out networks[i]))
                {
                    throw new InvalidOperationException($"'{options.Clients[i]}' is not an address range.");
                }
            }

            return new Exemption(
                networks,
                Trimmed(options.Identities).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                Trimmed(options.Providers).ToFrozenSet(StringComparer.OrdinalIgnoreCase));
        }

        public bool Covers(string provider) => _everyProvider || _providers.Contains(provider);

        public bool Matches(IPAddress? client, string? identity)
        {
            if (identity is not null && _identities.Contains(identity.Trim()))
            {
                return true;
            }

            if (client is not null)
            {
                foreach (var network in _networks)
                {
                    if (network.Contains(client))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
