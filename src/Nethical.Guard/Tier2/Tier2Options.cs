using System.ComponentModel.DataAnnotations;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Tier 2 (<c>Screening:Tier2</c>): the encoder, the trained artifacts, and the serving path around them. Read once at
/// start-up; the per-policy settings (mode, budget, thresholds) are on <see cref="Policy.ScreeningPolicy"/> and reload live.
/// </summary>
public sealed class Tier2Options
{
    /// <summary>Load the model at start-up. Off: tier 1 alone, whatever the policies say.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The package encoder, <c>MiniLM</c> or <c>ArcticXs</c>; must be the one the head was trained on.</summary>
    public string Encoder { get; set; } = "MiniLM";

    /// <summary>An fp32 encoder ONNX file to use instead of the package's (with <see cref="VocabularyPath"/>).</summary>
    public string? ModelPath { get; set; }

    /// <summary>The encoder's <c>vocab.txt</c>, with <see cref="ModelPath"/>.</summary>
    public string? VocabularyPath { get; set; }

    /// <summary>Serve the INT8 encoder (built from the fp32 one at first start and cached on disk). False: fp32.</summary>
    public bool Quantized { get; set; } = true;

    /// <summary>The directory with <c>manifest.json</c>, the head and the student. Default: the ones built into the engine.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Where the INT8 encoder is cached. Default: the user's local application data, else the temp directory.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>ONNX Runtime intra-op threads. Default 1: the proxy needs the other cores.</summary>
    [Range(1, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Requests per inference batch, and encoder windows per model run.</summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long the first text of a batch waits for company.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Time added to a request's tier-2 budget for every encoder window beyond each text's first (a long document is
    /// many windows). Default 15 ms: about two windows' INT8 inference on one core.
    /// </summary>
    public TimeSpan BudgetPerExtraWindow { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>
    /// The model's cost per encoder window assumed until its first run is measured. Admission control lets a request
    /// wait for the model only if the work admitted ahead of it, at the measured cost per window, leaves it time to
    /// finish within its budget; otherwise the request is shed at once (see <see cref="ModelAdmission"/>).
    /// </summary>
    public TimeSpan InitialCostPerWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// A model run that takes longer than this per encoder window has overrun: it counts as a failure for the breaker,
    /// and while one is still running past it, requests degrade at once (<c>stalled</c>) instead of queueing behind it.
    /// Default 500 ms: a window costs about 5 ms of INT8 on one core, and about 40 ms on average on a 2-core machine
    /// starved at several times its capacity, so only a hung or broken model gets there; load alone does not.
    /// </summary>
    public TimeSpan StallPerWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Requests that may wait for the model; beyond it, new work is shed to the fallback at once.</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 64;

    /// <summary>A text of more windows than this is a long document and goes to the long-document lane.</summary>
    [Range(1, 100_000)]
    public int LongTextWindows { get; set; } = 4;

    /// <summary>Requests with long documents that may wait; beyond it, they are shed.</summary>
    [Range(1, 10_000)]
    public int LongQueueCapacity { get; set; } = 4;

    /// <summary>Verdicts kept in the cache (by normalised text and model version).</summary>
    [Range(0, 10_000_000)]
    public int CacheSize { get; set; } = 10_000;

    /// <summary>How long a cached verdict lives.</summary>
    public TimeSpan CacheExpiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Breaker: the failure ratio in the sampling window that opens it.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Breaker: calls in the sampling window before it may open.</summary>
    [Range(2, 100_000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Breaker: the sampling window.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Breaker: how long it stays open before a trial call.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
