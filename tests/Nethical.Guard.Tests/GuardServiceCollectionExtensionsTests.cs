using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests;

public sealed class GuardServiceCollectionExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host's own tier-2 model: flags any text that mentions pineapples, clears the rest.</summary>
    private sealed class PineappleClassifier : IPromptClassifier
    {
        public string ModelVersion => "pineapple-1";

        public bool SourceAware => false;

        public PreparedText Prepare(string text, bool indirect)
            => new([new TokenWindow(new[] { text.Contains("pineapple", StringComparison.Ordinal) ? 1 : 0 })], Truncated: false, Tokens: 1, indirect);

        public float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun)
            => [.. texts.Select(t => t.Windows[0].Ids.Span[0] == 1 ? 0.99f : 0.01f)];
    }

    private static ServiceProvider Build(Action<IServiceCollection> configure, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddLogging();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Starts the hosted services, as a host does before it takes traffic (the warm-up compiles the rules).</summary>
    private static async Task StartAsync(ServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }
    }

    [Fact]
    public async Task AddNethicalGuard_HostClassifierRegisteredFirst_ServesItAsTier2()
    {
        await using var provider = Build(static s => s.AddSingleton<IPromptClassifier, PineappleClassifier>().AddNethicalGuard());
        await StartAsync(provider);
        var screener = provider.GetRequiredService<IPromptScreener>();
        var everything = new ScreeningPolicy { Tier2 = Tier2Mode.All, Tier2Budget = TimeSpan.FromSeconds(10) };

        var flagged = await screener.ScreenAsync(ScreeningRequest.ForText("Tell me about the pineapple harvest."), everything, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var clear = await screener.ScreenAsync(ScreeningRequest.ForText("Tell me about the apple harvest."), everything, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Tier 1 sees nothing in either: the verdict is the host model's.
        Assert.Equal(ScreeningOutcome.Block, flagged.Outcome);
        Assert.Equal(Verdicts.Blocked, flagged.Verdict);
        Assert.Contains(flagged.Result!.Verdicts, v => v.Detector == ModelPromptInjectionDetector.DetectorName && v.Score > 0.9);
        Assert.Equal(ScreeningOutcome.Allow, clear.Outcome);
    }

    [Fact]
    public async Task AddNethicalGuard_Tier2Disabled_TierOneAloneDecides()
    {
        await using var provider = Build(static s => s.AddSingleton<IPromptClassifier, PineappleClassifier>().AddNethicalGuard(),
            new() { ["Screening:Tier2:Enabled"] = "false" });
        await StartAsync(provider);
        var screener = provider.GetRequiredService<IPromptScreener>();

        var decision = await screener.ScreenAsync(ScreeningRequest.ForText("Tell me about the pineapple harvest."), new ScreeningPolicy { Tier2 = Tier2Mode.All }, Ct);

        Assert.Equal(ScreeningOutcome.Allow, decision.Outcome);
        Assert.Single(decision.Result!.Verdicts);
    }

    [Fact]
    public async Task AddNethicalGuard_CalledTwice_RegistersOnce()
    {
        await using var provider = Build(static s => s.AddSingleton<IPromptClassifier, PineappleClassifier>().AddNethicalGuard().AddNethicalGuard());

        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Single(provider.GetServices<IPromptScreener>());
    }

    [Fact]
    public async Task AddNethicalGuard_HostScreenerRegisteredFirst_IsKept()
    {
        var own = new RefusingScreener();
        await using var provider = Build(s => s.AddSingleton<IPromptScreener>(own).AddNethicalGuard(),
            new() { ["Screening:Tier2:Enabled"] = "false" });

        Assert.Same(own, provider.GetRequiredService<IPromptScreener>());
    }

    [Fact]
    public async Task ScreenAsync_MalformedBody_IsADecisionNotAnException()
    {
        await using var provider = Build(static s => s.AddNethicalGuard(), new() { ["Screening:Tier2:Enabled"] = "false" });
        var screener = provider.GetRequiredService<IPromptScreener>();
        var body = ScreeningRequest.ForBody("{\"messages\": [\""u8.ToArray(), ProviderFormat.OpenAi);

        var closed = await screener.ScreenAsync(body, new ScreeningPolicy(), Ct);
        var open = await screener.ScreenAsync(body, new ScreeningPolicy { OnUnscreenable = FailureMode.Open }, Ct);

        Assert.Equal(ScreeningOutcome.RefusedUnscreenable, closed.Outcome);
        Assert.Equal("invalid_json", closed.Code);
        Assert.Null(closed.Result);
        Assert.False(closed.Forwards);
        Assert.Equal(Verdicts.Refused, closed.Verdict);
        Assert.Equal(ScreeningOutcome.Unscreened, open.Outcome);
        Assert.True(open.Forwards);
        Assert.Equal(Verdicts.Unscreened, open.Verdict);
    }

    private sealed class RefusingScreener : IPromptScreener
    {
        public ValueTask<ScreeningDecision> ScreenAsync(ScreeningRequest request, ScreeningPolicy policy, CancellationToken cancellationToken)
            => throw new NotSupportedException();
    }
}
