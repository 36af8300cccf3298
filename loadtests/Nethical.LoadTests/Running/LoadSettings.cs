using System.Text.Json.Serialization;
using Nethical.LoadTests.Scenarios;

namespace Nethical.LoadTests.Running;

/// <summary>One run's load: the model (open at a rate, or closed with clients), its phases and limits.</summary>
internal sealed record LoadSettings
{
    /// <summary>The scenario's name (<see cref="Scenarios.ScenarioCatalog"/>): what the bodies hold.</summary>
    public string Scenario { get; init; } = "passthrough";

    /// <summary>Open model: requests per second (of the first step; step k runs at k times this rate).</summary>
    public double Rate { get; init; } = 500;

    /// <summary>Open model: the number of rate steps; 1 runs <see cref="Rate"/> for <see cref="Duration"/>.</summary>
    public int Steps { get; init; } = 1;

    /// <summary>Open model with steps: how long each step lasts.</summary>
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The measured time (without steps).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Load before the measurement, not counted.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Closed model when above zero: this many clients, each sending its next request when the last one ends.</summary>
    public int Clients { get; init; }

    /// <summary>Open model: requests in flight above this are not sent (counted as dropped by the generator).</summary>
    public int MaxInFlight { get; init; } = 4096;

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A request sent later than this after its intended time counts as late.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Seed of the request mix.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The share of requests that ask for an SSE stream (<c>"stream": true</c>).</summary>
    public double StreamShare { get; init; }

    /// <summary>The realistic mix's history (<c>--history</c>): live conversations resent whole each request, or every turn fresh.</summary>
    public HistoryMode History { get; init; } = HistoryMode.Conversations;

    /// <summary>The <c>cache</c> scenario: how many distinct bodies the requests are drawn from (with repeats).</summary>
    public int WorkingSet { get; init; } = 500;

    /// <summary>Open model: a low-rate tail after the measured phase, measured apart, to see how fast the target recovers (zero: none).</summary>
    public TimeSpan RecoveryDuration { get; init; }

    /// <summary>The recovery tail's rate as a share of the last measured rate.</summary>
    public double RecoveryShare { get; init; } = 0.1;

    /// <summary>Where the realistic mix's user turns come from (<c>--data</c>); null: generated words.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The prompts read from <see cref="DataDirectory"/> (not in the report: the data stays where it lies).</summary>
    [JsonIgnore]
    public PromptData? Prompts { get; init; }

    /// <summary>The request path on the target.</summary>
    public string Path { get; init; } = "/openai/v1/chat/completions";

    public bool IsClosed => Clients > 0;

    /// <summary>Open model with a recovery tail: a calm phase first, as long as the tail and at its rate, for the target's own baseline.</summary>
    public TimeSpan CalmDuration => !IsClosed && RecoveryDuration > TimeSpan.Zero ? RecoveryDuration : TimeSpan.Zero;

    /// <summary>The recovery tail's rate: <see cref="RecoveryShare"/> of the last step's rate.</summary>
    public double RecoveryRate => Rate * Math.Max(1, Steps) * RecoveryShare;

    /// <summary>The measured time: all steps, or <see cref="Duration"/>.</summary>
    public TimeSpan MeasuredDuration => !IsClosed && Steps > 1 ? StepDuration * Steps : Duration;
}
