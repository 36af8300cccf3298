namespace Nethical.LoadTests.Running;

/// <summary>The numbers of one run against one target (measured phase only; warm-up excluded).</summary>
internal sealed record RunResult
{
    public string Target { get; init; } = "";
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
    /// <summary>Scenarios that time it (<c>streaming</c>): from the same start as <see cref="Latency"/> to the first body byte; null otherwise.</summary>
    public LatencySummary? TimeToFirstByte { get; init; }
    public IReadOnlyDictionary<string, long> StatusCodes { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> ErrorKinds { get; init; } = new Dictionary<string, long>();
    public IReadOnlyList<SecondSample> Series { get; init; } = [];
    /// <summary>Open model in steps: each step's numbers (requests by their intended send time).</summary>
    public IReadOnlyList<StepResult> StepResults { get; init; } = [];
}

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

/// <summary>One second of the measured phase, by completion time.</summary>
internal sealed record SecondSample(int Second, long Completed, double P99Ms);
