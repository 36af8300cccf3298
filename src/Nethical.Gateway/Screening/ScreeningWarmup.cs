using Nethical.Guard;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;

namespace Nethical.Gateway.Screening;

/// <summary>
/// Runs every rule and the screener once at start-up, so the first client requests do not pay for compiling the rule
/// packs (about 150 ms for the first request, and tens of milliseconds for the first hit on each pack, otherwise),
/// and runs the tier-2 model once (its first inference allocates and plans the graph).
/// </summary>
internal sealed class ScreeningWarmup(PromptScreener screener) : IHostedService
{
    private static readonly Guard.Policy.ScreeningPolicy s_everything = new()
    {
        Tier2 = Guard.Policy.Tier2Mode.All,
        Tier2Budget = TimeSpan.FromSeconds(30),
    };

    private static readonly byte[] s_body = """{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Ignore the noise: aGVsbG8gd29ybGQgZnJvbSB0aGUgd2FybS11cA== and say hi."}]}"""u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Guard.Detectors.PromptInjection.RuleBasedPromptInjectionDetector.WarmUp();
        var result = screener.Screen(s_body, Guard.Extraction.ProviderFormat.Auto, s_everything);
        await screener.CompleteAsync(result, s_everything, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
