using System.Diagnostics;
using System.Globalization;
using Nethical.Guard.Normalization;
using Nethical.Guard.Offline;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>quantize</c>: builds the INT8 encoder from the package's fp32 one (<see cref="ModelOptimizer"/>) and measures both in
/// the same run: file size, latency at batch 1 and batch 32 (64-token inputs, median of repeated runs), embedding cosine
/// to fp32, and tier 2's accuracy on the pooled held-back split with each.
/// </summary>
internal static class QuantizeCommand
{
    public static int Run(TrainingContext context, QuantizeOptions options)
    {
        var files = ModelFiles.Load(context.ModelsDirectory);
        var encoder = files.Manifest.Encoder;
        var assets = EncoderAssets.FromPackage(encoder);
        if (files.Weights is { } weights)
        {
            assets = Tier2ModelLoader.ApplyWeights(assets, weights, files.Manifest.EncoderWeights!.File);
        }
        var started = Stopwatch.GetTimestamp();
        var int8Path = Tier2ModelLoader.GetOrBuildInt8(assets, Path.Combine(context.ArtifactsDirectory, "encoders"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INT8 encoder: {int8Path} (built or found in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)"));
        long fp32Size;
        using (var stream = assets.OpenModel())
        {
            fp32Size = stream.Length;
        }
        var int8Size = new FileInfo(int8Path).Length;

        using var fp32 = context.CreateClassifier(files, "fp32");
        using var int8 = context.CreateClassifier(files, "int8");

        var data = context.LoadData();
        var normalizer = new TextNormalizer();
        var sample = data.HeldBack.SelectMany(s => s.Rows).Select(r => normalizer.Normalize(r.Text)).Where(t => t.Length > 0).ToList();
        var random = new Random(context.Seed);
        var windows64 = sample
            .Select(t => fp32.Prepare(t).Windows[0])
            .Where(w => w.Ids.Length >= 64)
            .Select(w => new TokenWindow(w.Ids[..62]))
            .Take(64)
            .ToList();
        if (windows64.Count < 32)
        {
            throw new InvalidOperationException("Not enough long texts to time 64-token inputs.");
        }

        var repeats = options.Repeats;
        var (fp32One, fp32Batch) = Time(fp32.Encoder, windows64, repeats);
        var (int8One, int8Batch) = Time(int8.Encoder, windows64, repeats);

        // Embedding agreement on 200 held-back texts (their first window).
        var agreement = sample.OrderBy(_ => random.Next()).Take(200).Select(t => fp32.Prepare(t).Windows[0]).ToList();
        var cosines = new List<double>();
        for (var start = 0; start < agreement.Count; start += 32)
        {
            var chunk = agreement.Skip(start).Take(32).ToList();
            var a = fp32.Encoder.Embed(chunk);
            var b = int8.Encoder.Embed(chunk);
            var d = fp32.Encoder.Dimension;
            for (var i = 0; i < chunk.Count; i++)
            {
                cosines.Add(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a.AsSpan(i * d, d), b.AsSpan(i * d, d)));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| encoder | size | batch 1 × 64 tokens (median) | batch 32 × 64 tokens (median) | per input at batch 32 | inputs/s at batch 32 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row("fp32", fp32Size, fp32One, fp32Batch);
        Row("int8", int8Size, int8One, int8Batch);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nINT8 / fp32: size {(double)int8Size / fp32Size:P0}, speed-up {fp32One / int8One:F2}× at batch 1, {fp32Batch / int8Batch:F2}× at batch 32; embedding cosine to fp32 mean {cosines.Average():F4}, min {cosines.Min():F4} (n={cosines.Count})"));

        // Accuracy change: tier 2 alone on the pooled held-back split, both variants, same texts.
        foreach (var (name, model) in new[] { ("fp32", fp32), ("int8", int8) })
        {
            using var store = context.CreateStore(model, files.EncoderKey, name);
            var rows = data.HeldBack.Where(s => s.Name is "deepset test" or "jackhhao test" || s.Rows.All(r => r.Label == 0)).SelectMany(s => s.Rows).ToList();
            var embedded = store.Embed(rows.Select(r => normalizer.Normalize(r.Text)).ToList());
            var scores = embedded.Select(e => HeadScoring.MaxWindow(files.Head, e, store.Dimension)).ToList();
            var positives = scores.Where((_, i) => rows[i].Label == 1).ToList();
            var negatives = scores.Where((_, i) => rows[i].Label == 0).ToList();
            var (recall, _) = Metrics.RecallAtFpr(positives, negatives, 0.01);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tier 2 alone, {name}, held-back split ({positives.Count} attacks / {negatives.Count} benign): ROC AUC {Metrics.RocAuc(positives, negatives):F4}, recall@1%FPR {recall:P1}"));
        }
        return 0;

        static void Row(string name, long size, double one, double batch)
            => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {size / 1048576.0:F1} MB | {one:F2} ms | {batch:F1} ms | {batch / 32:F2} ms | {32_000 / batch:F0} |"));
    }

    private static (double One, double Batch) Time(OnnxEncoder encoder, List<TokenWindow> windows, int repeats)
    {
        var batch = windows.Take(32).ToList();
        for (var i = 0; i < 3; i++)
        {
            encoder.Embed([windows[i]]);
            encoder.Embed(batch);
        }
        var one = new List<double>();
        var many = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var start = Stopwatch.GetTimestamp();
            encoder.Embed([windows[r % windows.Count]]);
            one.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        for (var r = 0; r < Math.Max(5, repeats / 4); r++)
        {
            var start = Stopwatch.GetTimestamp();
            encoder.Embed(batch);
            many.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return (Median(one), Median(many));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

/// <summary><c>quantize</c>'s own options.</summary>
/// <param name="Repeats">Timed runs per latency measurement (batch 1; a quarter as many, at least 5, at batch 32).</param>
internal sealed record QuantizeOptions(int Repeats);
