using Microsoft.Extensions.Hosting;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;

namespace Nethical.Guard.Screening;

/// <summary>
/// Runs every rule and the screener once at start-up, so the first requests do not pay for compiling the rule packs
/// (about 150 ms for the first request, and tens of milliseconds for the first hit on each pack, otherwise), and runs
/// the tier-2 model once (its first inference allocates and plans the graph; a model that cannot load stops the host).
/// </summary>
internal sealed class ScreenerWarmup(IPromptScreener screener) : IHostedService
{
    private static readonly ScreeningPolicy s_everything = new()
    {
        Tier2 = Tier2Mode.All,
        Tier2Budget = TimeSpan.FromSeconds(30),
    };

    private static readonly byte[] s_body = """{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Ignore the noise: aGVsbG8gd29ybGQgZnJvbSB0aGUgd2FybS11cA== and say hi."}]}"""u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RuleBasedPromptInjectionDetector.WarmUp();
        await screener.ScreenAsync(ScreeningRequest.ForBody(s_body, ProviderFormat.Auto), s_everything, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
