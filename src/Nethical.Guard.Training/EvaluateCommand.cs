using System.Globalization;
using System.Text;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Inference;
using Nethical.Guard.Normalization;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>evaluate</c>: every held-back file on its own, and the pooled held-back split, for tier 1 alone, tier 2 alone,
/// the student and the combined gate (exactly the served routing, <see cref="TierGate"/>), per encoder variant.
/// Precision, recall and F1 at each verdict's 0.5; ROC AUC; recall at 1% and 0.1% false positives. Files with no
/// benign rows are measured against the pooled held-back benign rows.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly string[] Tiers = ["tier 1", "tier 2", "student", "combined"];

    public static int Run(TrainingContext context)
    {
        var data = context.LoadData();
        var files = ModelFiles.Load(context.ModelsDirectory);
        var variants = (context.Get("variant") ?? "both") switch
        {
            "both" => new[] { "fp32", "int8" },
            var v => [v],
        };
        var report = new StringBuilder();
        var studentNote = files.Manifest.Student is { } st ? string.Create(CultureInfo.InvariantCulture, $", student pass-below {st.PassBelow:F4}") : ", no student";
        report.AppendLine(CultureInfo.InvariantCulture, $"model {files.Manifest.ModelVersion} ({files.Manifest.HeadKind} head on {files.Manifest.Encoder}), operating threshold {files.Manifest.Threshold:F4}{studentNote}");
        foreach (var variant in variants)
        {
            report.Append(Evaluate(context, data, files, variant));
        }
        Console.WriteLine(report);
        var output = context.Get("out");
        if (output is not null)
        {
            File.WriteAllText(output, report.ToString());
        }
        return 0;
    }

    internal sealed record Scored(int Label, double Tier1, double Tier2, double Student, double Combined, bool Routed);

    internal static List<Scored> Score(TrainingContext context, IReadOnlyList<Example> rows, ModelFiles files, OnnxClassifier model, EmbeddingStore store, IReadOnlyList<SegmentSource>? sources = null)
    {
        var normalizer = new TextNormalizer();
        var tier1 = new RuleBasedPromptInjectionDetector();
        var thresholds = new GateThresholds(0.9, 0.15, files.Manifest.Student?.PassBelow);
        var dimension = store.Dimension;

        var normalized = new List<List<NormalizedSegment>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var source = sources?[i] ?? SegmentSource.User;
            var output = new List<NormalizedSegment>();
            normalizer.Normalize([new PromptSegment(rows[i].Text, source, source.ToString().ToLowerInvariant(), "text")], output);
            normalized.Add(output);
        }
        var allTexts = normalized.SelectMany(n => n.Select(s => s.Text)).ToList();
        var embedded = store.Embed(allTexts, new Progress<string>(Console.WriteLine));

        var results = new List<Scored>(rows.Count);
        var k = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var segments = normalized[r];
            var t1 = tier1.Evaluate(segments).Score;
            double t2 = 0, student = 0;
            double? routed = null;
            var decided = TierGate.Tier1Decides(Tier2Mode.Uncertain, t1, thresholds);
            foreach (var segment in segments)
            {
                var probability = TrainCommand.MaxWindow(files.Head, embedded[k++], dimension, Tier2Text.IsIndirect(segment.Segment.Source));
                var calibrated = ModelManifest.Calibrate(probability, files.Manifest.Threshold);
                t2 = Math.Max(t2, calibrated);
                // Exactly as served: chunked student score, none for text longer than the student reads.
                float? s = segment.Text.Length <= HashedNgramStudent.MaxChars ? files.Student?.MaxChunkProbability(segment.Text) : null;
                if (s is { } sv)
                {
                    student = Math.Max(student, ModelManifest.Calibrate(sv, files.Manifest.Student!.Threshold));
                }
                if (!decided && TierGate.NeedsTier2(Tier2Mode.Uncertain, t1, segment.Segment.Source, s, thresholds))
                {
                    routed = Math.Max(routed ?? 0, calibrated);
                }
            }
            results.Add(new Scored(rows[r].Label, t1, t2, student, TierGate.Combine(t1, routed), routed is not null));
        }
        return results;
    }

    private static string Evaluate(TrainingContext context, LabelledData data, ModelFiles files, string variant)
    {
        var started = DateTime.UtcNow;
        using var model = context.CreateClassifier(files.Manifest.Encoder, variant, files.Head);
        using var store = context.CreateStore(model, files.Manifest.Encoder, variant);
        var scored = data.HeldBack.ToDictionary(s => s.Name, s => Score(context, s.Rows, files, model, store));

        var benignPool = data.HeldBack.Where(s => s.Rows.All(r => r.Label == 0)).SelectMany(s => scored[s.Name]).ToList();
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {files.Manifest.Encoder} {variant}");
        sb.AppendLine();
        sb.AppendLine("| set | attacks | benign | tier | precision | recall | F1 | FPR | ROC AUC | recall@1%FPR | recall@0.1%FPR | to tier 2 |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        void Rows(string name, List<Scored> set)
        {
            var positives = set.Where(s => s.Label == 1).ToList();
            var negatives = set.Where(s => s.Label == 0).ToList();
            var pooled = negatives.Count == 0;
            if (pooled)
            {
                negatives = benignPool;
            }
            foreach (var tier in Tiers)
            {
                Func<Scored, double> pick = tier switch
                {
                    "tier 1" => s => s.Tier1,
                    "tier 2" => s => s.Tier2,
                    "student" => s => s.Student,
                    _ => s => s.Combined,
                };
                if (tier == "student" && files.Student is null)
                {
                    continue;
                }
                var p = positives.Select(pick).ToList();
                var n = negatives.Select(pick).ToList();
                var (precision, recall, f1, fpr) = Metrics.AtThreshold(p, n, 0.5);
                var auc = Metrics.RocAuc(p, n);
                var (r1, _) = Metrics.RecallAtFpr(p, n, 0.01);
                var (r01, _) = Metrics.RecallAtFpr(p, n, 0.001);
                var routed = tier == "combined" ? Pct((double)set.Count(s => s.Routed) / set.Count) : "";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {positives.Count} | {(pooled ? $"{negatives.Count}*" : negatives.Count.ToString(CultureInfo.InvariantCulture))} | {tier} | {Pct(precision)} | {Pct(recall)} | {Pct(f1)} | {Pct(fpr)} | {F(auc)} | {Pct(r1)} | {Pct(r01)} | {routed} |");
            }
        }

        var split = new List<Scored>();
        foreach (var set in data.HeldBack)
        {
            Rows(set.Name, scored[set.Name]);
        }
        foreach (var name in new[] { "deepset test", "jackhhao test" })
        {
            split.AddRange(scored[name]);
        }
        split.AddRange(benignPool);
        Rows("**held-back split** (deepset + jackhhao test + benign halves)", split);
        sb.AppendLine();
        sb.AppendLine("\\* attack-only file: false positives measured on the pooled held-back benign rows.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"({(DateTime.UtcNow - started).TotalSeconds:F0} s)");
        return sb.ToString();
    }

    private static string Pct(double value) => double.IsNaN(value) ? "–" : value.ToString("P1", CultureInfo.InvariantCulture);

    private static string F(double value) => double.IsNaN(value) ? "–" : value.ToString("F4", CultureInfo.InvariantCulture);
}
