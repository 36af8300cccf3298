using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Scenarios;

/// <summary>The named scenarios.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<LoadScenario> All { get; } =
    [
        new("passthrough",
            "Screening off (policy Mode=Off): the gateway's cost over plain YARP without screening; short distinct chat prompts.",
            ["--Screening:Policies:default:Mode=Off"],
            static s => new ShortChatSource(s.Seed, s.StreamShare)),
        new("tier1",
            "Tier 1 only (policy Tier2=Off): rules and normalisation on every request; short distinct chat prompts.",
            ["--Screening:Policies:default:Tier2=Off"],
            static s => new ShortChatSource(s.Seed, s.StreamShare)),
        new("realistic",
            "The default policy (tier 2 where the gate sends it) over a mixed workload: 200 B–32 KB chats (live conversations resent whole, --history), 10 % tool calls, 1 % ~30 KB documents, 2 % attacks.",
            [],
            static s => new RealisticMixSource(s.Seed, s.StreamShare, s.Prompts?.Prompts, s.History)),
        new("cache",
            "The default policy over the realistic mix drawn from a fixed working set (--working-set distinct bodies, 500 by default): prompts repeat, so the verdict cache answers part of them.",
            [],
            static s => new WorkingSetSource(new RealisticMixSource(s.Seed, s.StreamShare, s.Prompts?.Prompts, s.History), s.WorkingSet, s.Seed)),
        new("streaming",
            "The default policy over the realistic mix with every request \"stream\": true: time to first byte (first SSE body byte) next to the full-response latency.",
            [],
            static s => new RealisticMixSource(s.Seed, streamShare: 1.0, s.Prompts?.Prompts, s.History),
            TimeToFirstByte: true),
        new("overload",
            "The default policy over the realistic mix at the --rate given (meant as twice what the gateway holds), then a tail at 10 % of it (--recovery, 5 s): 503s shed (with Retry-After or not) and the seconds until a second is clean again.",
            [],
            static s => new RealisticMixSource(s.Seed, s.StreamShare, s.Prompts?.Prompts, s.History)),
        new("egress",
            "The gateway's egress (forward-proxy) listener against a plain forward proxy, each in both modes: CONNECT tunnels carrying plain HTTP/1.1 (decided on the host, then passed through) and absolute-form POST http://127.0.0.1:port/v1/chat/completions (found as sanctioned self-hosted AI by path and body, prompt-screened under the default policy); the realistic mix, loopback only.",
            [],
            static s => new RealisticMixSource(s.Seed, s.StreamShare, s.Prompts?.Prompts, s.History),
            ForwardProxy: true),
    ];

    public static LoadScenario Get(string name) =>
        All.FirstOrDefault(scenario => string.Equals(scenario.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown scenario '{name}'. Known: {string.Join(", ", All.Select(static s => s.Name))}.", nameof(name));
}
