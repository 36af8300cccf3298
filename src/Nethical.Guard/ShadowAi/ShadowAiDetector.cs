
namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Finds AI traffic in outbound requests from independent weighted signals (host, path, port, headers, body shape,
/// model downloads) and applies the sanction policy. Each signal family is its own type (<see cref="AiEndpointCatalog"/>,
/// <see cref="AiPathSignatures"/>, <see cref="HeaderSignatures"/>, <see cref="AiBodyShape"/>, <see cref="ModelDownloads"/>,
/// <see cref="SanctionPolicy"/>); this type sums their weights into a verdict. The look-up tables are built once per options value: given a
/// <see cref="Func{TResult}"/> such as <c>() =&gt; monitor.CurrentValue</c>, a new options object (a reload) rebuilds
/// them on the next request; an invalid one is refused (<see cref="LastReloadError"/>) and the last good tables stay.
/// </summary>
public sealed class ShadowAiDetector : IShadowAiDetector
{
    /// <summary>The summed weight, in hundredths, at which a request is AI.</summary>
    internal const int Threshold = 100;

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
            weights[(int)ShadowAiSignal.Host] = 100;
        }

        // Servers decode the path before routing (/v1/chat/%63ompletions is /v1/chat/completions to vLLM): so does the
        // detector. Only a path with an escape pays for it.
        var path = request.Path is { } raw && raw.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(raw).AsSpan() : request.Path.AsSpan();
        var methodPath = false;
        if (!path.IsEmpty)
        {
            weights[(int)ShadowAiSignal.Path] = state.Paths.Match(path, out methodPath);
        }

        weights[(int)ShadowAiSignal.Port] = PortWeight(request.Port);

        string? identity = request.ClientIdentity;
        if (request.Headers is { Count: > 0 } headers)
        {
            if (headers is Dictionary<string, string> dictionary)
            {
                foreach (var (name, value) in dictionary)
                {
                    state.Headers.Score(name, value, methodPath, weights);
                }
            }
            else
            {
                foreach (var (name, value) in headers)
                {
                    state.Headers.Score(name, value, methodPath, weights);
                }
            }

            if (identity is null && headers.TryGetValue(state.Options.IdentityHeader, out var fromHeader))
            {
                identity = fromHeader;
            }
        }

        // The body's own bytes decide, not its Content-Type: Ollama, llama.cpp and vLLM read JSON sent as text/plain
        // (the shape needs a JSON object, so other bodies score nothing).
        if (!request.Body.IsEmpty)
        {
            weights[(int)ShadowAiSignal.Body] = AiBodyShape.Weight(request.Body.Span);
        }

        var downloadProvider = ModelDownloads.Match(host, path);
        if (downloadProvider is not null)
        {
            weights[(int)ShadowAiSignal.ModelDownload] = 100;
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
        var action = state.Sanctions.Decide(provider, request.ClientAddress, identity, out var sanctioned);
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

    /// <summary>The reason code of each <see cref="ShadowAiSignal"/>, indexed by it.</summary>
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

    /// <summary>Everything built from one options value.</summary>
    private sealed class State
    {
        private State(ShadowAiOptions options, AiEndpointCatalog catalog, PathSignatureSet paths, HeaderSignatures headers, SanctionPolicy sanctions)
        {
            Options = options;
            Catalog = catalog;
            Paths = paths;
            Headers = headers;
            Sanctions = sanctions;
        }

        public ShadowAiOptions Options { get; }

        public AiEndpointCatalog Catalog { get; }

        public PathSignatureSet Paths { get; }

        public HeaderSignatures Headers { get; }

        public SanctionPolicy Sanctions { get; }

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
            return new State(
                options,
                AiEndpointCatalog.Build(catalogOptions),
                AiPathSignatures.Build(catalogOptions),
                HeaderSignatures.Build(catalogOptions),
                SanctionPolicy.Build(options));
        }
    }
}
