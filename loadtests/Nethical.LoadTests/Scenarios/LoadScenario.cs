using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Scenarios;

/// <summary>A named scenario: what the bodies hold and how the gateway's policy is set for it.</summary>
/// <param name="Name">The name given to <c>--scenario</c>.</param>
/// <param name="Description">One line for the README, the help and the report.</param>
/// <param name="GatewayArguments">Command-line configuration the gateway starts with (the policy of this scenario).</param>
/// <param name="SourceFactory">Makes the body source from the run's settings (seed, streamed share, working set).</param>
/// <param name="TimeToFirstByte">Also time each response's first body byte (its own histogram next to the full latency).</param>
/// <param name="ForwardProxy">
/// Measure forward proxies instead of reverse proxies: the gateway's egress listener against a plain forward proxy,
/// each in both modes (<c>CONNECT</c> tunnels and absolute-form requests), to the fake upstream.
/// </param>
internal sealed record LoadScenario(
    string Name,
    string Description,
    IReadOnlyList<string> GatewayArguments,
    Func<LoadSettings, IRequestSource> SourceFactory,
    bool TimeToFirstByte = false,
    bool ForwardProxy = false)
{
    public IRequestSource CreateSource(LoadSettings settings) => SourceFactory(settings);
}
