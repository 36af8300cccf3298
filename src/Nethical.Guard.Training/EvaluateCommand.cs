using System.Globalization;
using System.Text;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

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

    public static int Run(TrainingContext context, EvaluateOptions options)
    {
        var data = context.LoadData();
        var variants = options.Variant switch
        {
            "both" => new[] { "fp32", "int8" },
            var v => [v],
        };
        // --before DIR: the same tables for an earlier model, in the same run, and a side-by-side summary.
        var models = new List<(string Label, string Directory)>();
        if (options.Before is { } before)
        {
            models.Add(("before", before));
            models.Add(("after", context.ModelsDirectory));
        }
        else
        {
            models.Add(("model", context.ModelsDirectory));
        }
        var corpus = CorpusGenerator.Generate(context.Seed).Where(e => CorpusPartition.Of(e.Text, context.Seed) == CorpusSplit.Test).ToList();

        var report = new StringBuilder();
        var summaries = new List<(string Label, string Variant, List<SummaryLine> Lines)>();
        foreach (var (label, directory) in models)
        {
            var files = ModelFiles.Load(directory);
            var studentNote = files.Manifest.Student is { } st ? string.Create(CultureInfo.InvariantCulture, $", student pass-below {st.PassBelow:F4}") : ", no student";
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"## {label}: model {files.Manifest.ModelVersion} ({files.Manifest.HeadKind} head on {files.Manifest.Encoder}), operating threshold {files.Manifest.Threshold:F4}{studentNote}");
            foreach (var variant in variants)
            {
                var lines = new List<SummaryLine>();
                report.Append(Evaluate(context, data, files, variant, lines));
                report.Append(EvaluateCorpus(context, corpus, files, variant, lines));
                if (options.Blind is { } blind)
                {
                    report.Append(EvaluateBlind(context, blind, files, variant, lines));
                }
                summaries.Add((label, variant, lines));
            }
        }
        if (models.Count == 2)
        {
            report.Append(Compare(summaries));
        }
        Console.WriteLine(report);
        var output = options.Out;
        if (output is not null)
        {
            File.WriteAllText(output, report.ToString());
        }
        return 0;
    }

    /// <summary>One row of the before/after summary.</summary>
    /// <param name="Set">A held-back file, or a generator family value on the corpus's test partition.</param>
    /// <param name="Attacks">Attack rows in the set.</param>
    /// <param name="Benign">Benign rows of its own (0 when measured against the pooled benign rows).</param>
    /// <param name="Tier2RecallAt1">Tier 2 alone: recall at 1% false positives (NaN for benign-only sets).</param>
    /// <param name="CombinedRecall">The served gate at its operating point (NaN when the set has no attacks).</param>
    /// <param name="CombinedFpr">The served gate's false-positive rate (NaN when the set has no benign rows of its own).</param>
    internal sealed record SummaryLine(string Set, int Attacks, int Benign, double Tier2RecallAt1, double CombinedRecall, double CombinedFpr);

    private static string Compare(List<(string Label, string Variant, List<SummaryLine> Lines)> summaries)
    {
        var sb = new StringBuilder();
        foreach (var variant in summaries.Select(s => s.Variant).Distinct())
        {
            var before = summaries.First(s => s.Label == "before" && s.Variant == variant).Lines;
            var after = summaries.First(s => s.Label == "after" && s.Variant == variant).Lines.ToDictionary(l => l.Set);
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"### before → after ({variant})");
            sb.AppendLine();
            sb.AppendLine("| set | attacks | benign | tier 2 recall@1%FPR | combined recall | combined FPR |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var b in before)
            {
                var a = after[b.Set];
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {b.Set} | {b.Attacks} | {b.Benign} | {Pct(b.Tier2RecallAt1)} → {Pct(a.Tier2RecallAt1)} | {Pct(b.CombinedRecall)} → {Pct(a.CombinedRecall)} | {Pct(b.CombinedFpr)} → {Pct(a.CombinedFpr)} |");
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The corpus's test partition (never trained on, never used to choose a threshold), screened as the segment each
    /// text would be, reported per generator family at the served operating point.
    /// </summary>
    private static string EvaluateCorpus(TrainingContext context, List<CorpusExample> corpus, ModelFiles files, string variant, List<SummaryLine> lines)
    {
        using var model = context.CreateClassifier(files, variant);
        using var store = context.CreateStore(model, files.EncoderKey, variant);
        var rows = corpus.Select(e => new Example(e.Id, e.Text, e.Label, TrainingSplit.CorpusFile)).ToList();
        var sources = corpus.Select(e => e.SegmentSource).ToList();
        var scored = Score(context, rows, files, model, store, sources);
        var benignAll = scored.Where(s => s.Label == 0).ToList();

        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"#### generated corpus, test partition ({corpus.Count} texts, {corpus.Count(e => e.Label == 1)} attacks), {variant}: recall and false positives at the operating point; tier 2 also at 1% FPR on the partition's benign texts");
        sb.AppendLine();
        sb.AppendLine("| family | value | attacks | tier 1 | tier 2 | tier 2 @1%FPR | combined | benign | combined FPR |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (family, key) in CorpusExample.FamiliesAndKind)
        {
            foreach (var group in Enumerable.Range(0, corpus.Count).GroupBy(i => key(corpus[i])).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (group.Key == "none" && family != "kind")
                {
                    continue;
                }
                var attacks = group.Where(i => corpus[i].Label == 1).Select(i => scored[i]).ToList();
                var benign = group.Where(i => corpus[i].Label == 0).Select(i => scored[i]).ToList();
                var (at1, _) = attacks.Count == 0 ? (double.NaN, 0) : Metrics.RecallAtFpr(attacks.Select(s => s.Tier2).ToList(), benignAll.Select(s => s.Tier2).ToList(), 0.01);
                var combined = Rate(attacks, s => s.Combined);
                var fpr = Rate(benign, s => s.Combined);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {family} | {group.Key} | {attacks.Count} | {Pct(Rate(attacks, s => s.Tier1))} | {Pct(Rate(attacks, s => s.Tier2))} | {Pct(at1)} | {Pct(combined)} | {benign.Count} | {Pct(fpr)} |");
                lines.Add(new SummaryLine($"corpus {family}={group.Key}", attacks.Count, benign.Count, at1, combined, fpr));
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The blind check (a file no training command reads): per category, recall or false positives of tier 1, tier 2 and
    /// the served gate at the operating point, each text screened as the segment its <c>source</c> names; and tier 2's
    /// recall at 1% false positives on the file's own hard negatives.
    /// </summary>
    private static string EvaluateBlind(TrainingContext context, string path, ModelFiles files, string variant, List<SummaryLine> lines)
    {
        var rows = LabelledData.ReadRows(path, (root, _) => (
            Row: new Example(root.GetProperty("id").GetString()!, root.GetProperty("text").GetString()!, root.GetProperty("label").GetInt32(), "blind"),
            Category: root.TryGetProperty("category", out var c) ? c.GetString() ?? "" : "",
            Source: (root.TryGetProperty("source", out var s) ? s.GetString() : "user") switch
            {
                "tool" => SegmentSource.Tool,
                "document" => SegmentSource.Document,
                "system" => SegmentSource.System,
                _ => SegmentSource.User,
            })).ToList();
        using var model = context.CreateClassifier(files, variant);
        using var store = context.CreateStore(model, files.EncoderKey, variant);
        var scored = Score(context, [.. rows.Select(r => r.Row)], files, model, store, [.. rows.Select(r => r.Source)]);
        var attacks = scored.Where(s => s.Label == 1).ToList();
        var benign = scored.Where(s => s.Label == 0).ToList();
        var (at1, _) = Metrics.RecallAtFpr([.. attacks.Select(s => s.Tier2)], [.. benign.Select(s => s.Tier2)], 0.01);

        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"#### blind check ({Path.GetFileName(path)}: {attacks.Count} attacks, {benign.Count} hard negatives), {variant}: tier 2 recall at 1% FPR on its hard negatives {Pct(at1)}; at the operating point:");
        sb.AppendLine();
        sb.AppendLine("| category | label | rows | tier 1 | tier 2 | combined |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(i => (rows[i].Row.Label, rows[i].Category)).OrderByDescending(g => g.Key.Label).ThenBy(g => g.Key.Category, StringComparer.Ordinal))
        {
            var set = group.Select(i => scored[i]).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Category} | {(group.Key.Label == 1 ? "attack (recall)" : "benign (flagged)")} | {set.Count} | {Pct(Rate(set, s => s.Tier1))} | {Pct(Rate(set, s => s.Tier2))} | {Pct(Rate(set, s => s.Combined))} |");
        }
        var combinedRecall = Rate(attacks, s => s.Combined);
        var combinedFpr = Rate(benign, s => s.Combined);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| **all** | attack (recall) | {attacks.Count} | {Pct(Rate(attacks, s => s.Tier1))} | {Pct(Rate(attacks, s => s.Tier2))} | {Pct(combinedRecall)} |");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| **all** | benign (flagged) | {benign.Count} | {Pct(Rate(benign, s => s.Tier1))} | {Pct(Rate(benign, s => s.Tier2))} | {Pct(combinedFpr)} |");
        lines.Add(new SummaryLine("blind check", attacks.Count, benign.Count, at1, combinedRecall, combinedFpr));
        return sb.ToString();
    }

    private static double Rate(List<Scored> rows, Func<Scored, double> score)
        => rows.Count == 0 ? double.NaN : (double)rows.Count(r => score(r) >= 0.5) / rows.Count;

    internal sealed record Scored(int Label, double Tier1, double Tier2, double Student, double Combined, bool Routed);

    internal static List<Scored> Score(TrainingContext context, IReadOnlyList<Example> rows, ModelFiles files, OnnxClassifier model, EmbeddingStore store, IReadOnlyList<SegmentSource>? sources = null)
    {
        var normalizer = new TextNormalizer();
        var tier1 = new RuleBasedPromptInjectionDetector();
        // As the gateway does at start-up: the rules' first, unoptimised runs can pass tier 1's time budget on a busy
        // machine, and a timeout scores a row as an attack, so the first rows' tier-1 scores would depend on the load.
        RuleBasedPromptInjectionDetector.WarmUp();
        // The gate as the gateway runs it under the default policy (tier 2 for the uncertain band, its thresholds).
        var policy = new ScreeningPolicy();
        var thresholds = GateThresholds.For(policy, files.Manifest.Student?.PassBelow);
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
            var calibrated = new double[segments.Count];
            for (var i = 0; i < segments.Count; i++)
            {
                var segment = segments[i];
                var probability = HeadScoring.MaxWindow(files.Head, embedded[k++], dimension, Tier2Text.IsIndirect(segment.Segment.Source));
                calibrated[i] = ModelManifest.Calibrate(probability, files.Manifest.Threshold);
                t2 = Math.Max(t2, calibrated[i]);
                // The report's student column: the chunked score as served, for every segment (none for text longer
                // than the student reads), whether or not the gate would ask for it.
                if (segment.Text.Length <= HashedNgramStudent.MaxChars && files.Student?.MaxChunkProbability(segment.Text) is { } s)
                {
                    student = Math.Max(student, ModelManifest.Calibrate(s, files.Manifest.Student!.Threshold));
                }
            }
            // Which segments count as read by tier 2: exactly the served routing.
            double? routed = null;
            if (TierGate.Route(segments, t1, policy.Tier2, thresholds, files.Student) is { } indexes)
            {
                foreach (var i in indexes)
                {
                    routed = Math.Max(routed ?? 0, calibrated[i]);
                }
            }
            results.Add(new Scored(rows[r].Label, t1, t2, student, TierGate.Combine(t1, routed), routed is not null));
        }
        return results;
    }

    private static string Evaluate(TrainingContext context, LabelledData data, ModelFiles files, string variant, List<SummaryLine> lines)
    {
        var started = DateTime.UtcNow;
        using var model = context.CreateClassifier(files, variant);
        using var store = context.CreateStore(model, files.EncoderKey, variant);
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
                if (tier == "combined")
                {
                    var (t2at1, _) = Metrics.RecallAtFpr(positives.Select(s => s.Tier2).ToList(), negatives.Select(s => s.Tier2).ToList(), 0.01);
                    lines.Add(new SummaryLine(name, positives.Count, pooled ? 0 : negatives.Count, positives.Count == 0 ? double.NaN : t2at1, positives.Count == 0 ? double.NaN : recall, pooled ? double.NaN : fpr));
                }
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {positives.Count} | {(pooled ? $"{negatives.Count}*" : negatives.Count.ToString(CultureInfo.InvariantCulture))} | {tier} | {Pct(precision)} | {Pct(recall)} | {Pct(f1)} | {Pct(fpr)} | {F(auc)} | {Pct(r1)} | {Pct(r01)} | {routed} |");
            }
        }

        var split = new List<Scored>();
        foreach (var set in data.HeldBack)
        {
            Rows(set.Name, scored[set.Name]);
        }
        // The wider benign folders' held-out halves (never trained on by the head, the student or the fine-tuned encoder).
        foreach (var benign in data.StudentBenign)
        {
            Rows($"{benign.Name}, held-out half", Score(context, benign.HeldOut, files, model, store));
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

/// <summary><c>evaluate</c>'s own options.</summary>
/// <param name="Variant">fp32, int8 or both: the encoder variants measured.</param>
/// <param name="Before">An earlier model's folder, measured in the same run and compared.</param>
/// <param name="Out">A file the report is also written to.</param>
/// <param name="Blind">The blind check's file, reported per category (read by no training command).</param>
internal sealed record EvaluateOptions(string Variant, string? Before, string? Out, string? Blind = null);
