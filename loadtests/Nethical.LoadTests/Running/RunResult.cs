using System.Text.Json.Serialization;

namespace Nethical.LoadTests.Running;

/// <summary>The numbers of one run against one target (measured phase only; warm-up excluded).</summary>
internal sealed record RunResult
{
    public string Target { get; init; } = "";
    /// <summary>The egress scenario: how the requests reached the target (<c>connect</c>, <c>absolute-form</c>, <c>direct</c>); empty otherwise.</summary>
    public string Mode { get; init; } = "";
    /// <summary>The target and its mode, as the tables and charts name them.</summary>
    [JsonIgnore]
    public string Label => Mode.Length == 0 ? Target : $"{Target} {Mode}";
    public int Round { get; init; }
    public string Scenario { get; init; } = "";
    /// <summary><c>open</c> (arrival rate) or <c>closed</c> (clients).</summary>
    public string Model { get; init; } = "";
    public double Rate { get; init; }
    public int Steps { get; init; }
    public int Clients { get; init; }
    public double DurationSeconds { get; init; }

    /// <summary>Requests whose intended send time fell in the measured phase.</summary>
    public long Scheduled { get; init; }
    public long Sent { get; init; }
    /// <summary>Not sent: the in-flight cap was reached.</summary>
    public long DroppedByGenerator { get; init; }
    /// <summary>Sent later than the late threshold after their intended time (the generator fell behind).</summary>
    public long Late { get; init; }
    public double LateThresholdMs { get; init; }
    public double LateMaxMs { get; init; }
    public double LateP99Ms { get; init; }

    /// <summary>Answered with any status.</summary>
    public long Completed { get; init; }
    public long Ok { get; init; }
    public long Errors { get; init; }
    /// <summary>Sent but neither answered nor failed when the run ended (cancelled).</summary>
    public long Unfinished { get; init; }
    public double Throughput { get; init; }

    public LatencySummary Latency { get; init; } = new();
    /// <summary>The latency of the answers that were not 503 (the requests the target admitted).</summary>
    public LatencySummary AdmittedLatency { get; init; } = new();
    /// <summary>Scenarios that time it (<c>streaming</c>): from the same start as <see cref="Latency"/> to the first body byte; null otherwise.</summary>
    public LatencySummary? TimeToFirstByte { get; init; }
    public IReadOnlyDictionary<string, long> StatusCodes { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> ErrorKinds { get; init; } = new Dictionary<string, long>();
    public IReadOnlyList<SecondSample> Series { get; init; } = [];
    /// <summary>Open model in steps: each step's numbers (requests by their intended send time).</summary>
    public IReadOnlyList<StepResult> StepResults { get; init; } = [];

    /// <summary>Answers of the measured phase with 503 (shed), and how many of them carried <c>Retry-After</c>.</summary>
    public long Shed { get; init; }
    public long ShedWithRetryAfter { get; init; }

    /// <summary>The gateway's own statistics over the run (<c>/v1/guard/metrics</c>); null for other targets.</summary>
    public GuardSample? Guard { get; init; }

    /// <summary>The low-rate tail after the measured phase (<see cref="LoadSettings.RecoveryDuration"/>); null without one.</summary>
    public RecoveryResult? Recovery { get; init; }
}

/// <summary>
/// The recovery tail: requests at a low rate right after the measured phase, bucketed by their intended send second
/// from the tail's start. Recovered: the first second with no 503, no error and p99 under twice the baseline's p99.
/// The baseline is the calm phase before the load: the same target at the tail's rate.
/// </summary>
internal sealed record RecoveryResult
{
    public double Rate { get; init; }
    public double DurationSeconds { get; init; }
    public LatencySummary Latency { get; init; } = new();
    /// <summary>The latency of the answers that were not 503 (the requests the target admitted).</summary>
    public LatencySummary AdmittedLatency { get; init; } = new();
    public IReadOnlyList<RecoverySecond> Series { get; init; } = [];
    /// <summary>The calm phase before the warm-up (same rate and length as the tail): latency, 503s and errors.</summary>
    public LatencySummary CalmLatency { get; init; } = new();
    public long CalmShed { get; init; }
    public long CalmErrors { get; init; }
    /// <summary>The p99 a recovered second must stay under twice of, and where it comes from (set by the run, which knows the baseline).</summary>
    public double BaselineP99Ms { get; init; }
    public string BaselineOf { get; init; } = "";
    /// <summary>Seconds from the tail's start to the first clean second; null when no second of the tail was clean.</summary>
    public int? RecoveredAfterSeconds { get; init; }

    /// <summary>The first second with answers, no 503, no error and p99 under twice <paramref name="baselineP99Ms"/>; null if none.</summary>
    public static int? SecondsToRecover(IReadOnlyList<RecoverySecond> series, double baselineP99Ms)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (var second in series)
        {
            if (second.Completed > 0 && second.Shed == 0 && second.Errors == 0 && second.P99Ms < 2 * baselineP99Ms)
            {
                return second.Second;
            }
        }

        return null;
    }
}

/// <summary>One second of the recovery tail (by intended send time): sent, answered, 503s, errors (dropped included), p99.</summary>
internal sealed record RecoverySecond(int Second, long Sent, long Completed, long Shed, long Errors, double P99Ms);

/// <summary>One rate step of an open run: the requests intended in it, answered, and their latency.</summary>
internal sealed record StepResult(int Step, double Rate, long Completed, double Throughput, LatencySummary Latency);

/// <summary>Latency in milliseconds, from the intended send time (open model) or the send (closed model) to the last byte.</summary>
internal sealed record LatencySummary
{
    public long Count { get; init; }
    public double MeanMs { get; init; }
    public double P50Ms { get; init; }
    public double P75Ms { get; init; }
    public double P95Ms { get; init; }
    public double P99Ms { get; init; }
    public double P999Ms { get; init; }
    public double MaxMs { get; init; }
}

/// <summary>One second of the measured phase, by completion time; <c>Shed</c> counts its 503s.</summary>
internal sealed record SecondSample(int Second, long Completed, double P99Ms, long Shed = 0);
