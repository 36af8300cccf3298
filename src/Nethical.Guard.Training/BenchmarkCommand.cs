using System.Diagnostics;
using System.Globalization;
using Nethical.Guard.Detectors;
using Nethical.Guard.Normalization;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>benchmark</c>: tier 2 through its serving path (batcher, Polly pipeline; no verdict cache, every text distinct per
/// round), fp32 and INT8 measured alternately in one run on the same texts. Single-request latency (one request at a
/// time: p50, p99), and throughput with 64 concurrent requests (batches form up to 32), plus the raw model at batch 32.
/// </summary>
internal static class BenchmarkCommand
{
    private sealed class CountingClassifier(OnnxClassifier inner) : IPromptClassifier
    {
        public long Batches;
        public long Texts;

        public string ModelVersion => inner.ModelVersion;

        public bool SourceAware => inner.SourceAware;

        public PreparedText Prepare(string text, bool indirect) => inner.Prepare(text, indirect);

        public float[] ScoreBatch(IReadOnlyList<PreparedText> texts, int maxWindowsPerRun)
        {
            Interlocked.Increment(ref Batches);
            Interlocked.Add(ref Texts, texts.Count);
            return inner.ScoreBatch(texts, maxWindowsPerRun);
        }
    }

    public static async Task<int> RunAsync(TrainingContext context, BenchmarkOptions settings)
    {
        var files = ModelFiles.Load(context.ModelsDirectory);
        var data = context.LoadData();
        var normalizer = new TextNormalizer();
        // Real prompts of ordinary length: the held-back deepset and benign rows (1–128 word pieces each).
        var texts = data.HeldBack.Where(s => s.Name.StartsWith("deepset", StringComparison.Ordinal) || s.Name.StartsWith("mtbench", StringComparison.Ordinal) || s.Name.StartsWith("self-instruct", StringComparison.Ordinal))
            .SelectMany(s => s.Rows).Select(r => normalizer.Normalize(r.Text)).Where(t => t.Length is > 0 and < 700).Distinct().ToList();
        var single = settings.Single;
        var concurrent = settings.Requests;
        var tier1 = new DetectorVerdict("prompt_injection.tier1", 0.3, [], TimeSpan.Zero);
        var threads = context.Threads;
        Console.WriteLine($"{texts.Count} distinct prompts; ONNX Runtime intra-op threads: {threads}; {Environment.ProcessorCount} cores");

        var results = new Dictionary<string, List<string>>();
        foreach (var variant in new[] { "fp32", "int8" })
        {
            using var model = context.CreateClassifier(files, variant);
            var counting = new CountingClassifier(model);
            var options = new Tier2Options { QueueCapacity = 1024 };
            await using var detector = new ModelPromptInjectionDetector(counting, files.Manifest.Threshold, options, TimeProvider.System, cache: null, new RequestCoalescer<CacheKey, float>(), null, null);
            var budget = TimeSpan.FromSeconds(30);

            for (var i = 0; i < 20; i++)
            {
                await detector.EvaluateAsync([texts[i % texts.Count]], tier1, budget, CancellationToken.None);
            }

            // One request at a time (includes the batcher's 5 ms maximum wait for company that never comes).
            var latencies = new List<double>(single);
            for (var i = 0; i < single; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await detector.EvaluateAsync([texts[i % texts.Count]], tier1, budget, CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            latencies.Sort();

            // 64 requests in flight: the batcher forms batches up to 32.
            counting.Batches = 0;
            counting.Texts = 0;
            var next = -1;
            var loadStart = Stopwatch.GetTimestamp();
            var workers = Enumerable.Range(0, 64).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < concurrent)
                {
                    // Distinct per request: a suffix keeps the coalescer from merging repeats of the same prompt.
                    await detector.EvaluateAsync([texts[i % texts.Count] + " " + i.ToString(CultureInfo.InvariantCulture)], tier1, budget, CancellationToken.None);
                }
            }).ToArray();
            await Task.WhenAll(workers);
            var loadSeconds = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;

            // The model alone at batch 32.
            var batch = texts.Take(32).Select(t => model.Prepare(t)).ToList();
            model.ScoreBatch(batch, 32);
            var rawStart = Stopwatch.GetTimestamp();
            const int Rounds = 5;
            for (var r = 0; r < Rounds; r++)
            {
                model.ScoreBatch(batch, 32);
            }
            var rawSeconds = Stopwatch.GetElapsedTime(rawStart).TotalSeconds / Rounds;

            results[variant] =
            [
                F(Percentile(latencies, 0.5)), F(Percentile(latencies, 0.99)),
                (concurrent / loadSeconds).ToString("F0", CultureInfo.InvariantCulture),
                ((double)counting.Texts / Math.Max(1, counting.Batches)).ToString("F1", CultureInfo.InvariantCulture),
                (32 / rawSeconds).ToString("F0", CultureInfo.InvariantCulture),
            ];
        }

        Console.WriteLine();
        Console.WriteLine("| encoder | single request p50 | single request p99 | served throughput, 64 in flight | mean batch | model alone at batch 32 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (variant, r) in results)
        {
            Console.WriteLine($"| {variant} | {r[0]} ms | {r[1]} ms | {r[2]} prompts/s | {r[3]} | {r[4]} prompts/s |");
        }
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

/// <summary><c>benchmark</c>'s own options.</summary>
/// <param name="Single">Requests timed one at a time, per variant.</param>
/// <param name="Requests">Requests sent with 64 in flight, per variant.</param>
internal sealed record BenchmarkOptions(int Single, int Requests);
