using System.Globalization;
using System.Text;
using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;
using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>distill</c>: the trained head's scores (the teacher: encoder + head, fp32) over the text in the data folder, taught
/// to a hashed n-gram student with target <c>alpha · sigmoid(logit / T) + (1 − alpha) · label</c> (the wider benign
/// files, which the head never saw, by their label alone). Held-back rows are
/// left out (so evaluate stays honest) and gsm8k is sampled; the training halves of the wider benign files
/// (<see cref="LabelledData.StudentBenign"/>) and the generated corpus's user-side texts outside its test partition are
/// added. Rows can be weighted so that no file dominates its class. The validation fifth of the training rows is held
/// out of the student too and sets its operating threshold and its pass-below point (98% of validation attacks at or
/// above it). Every score here is the served one (<see cref="HashedNgramStudent.MaxChunkProbability"/>; text longer than
/// the student reads always goes to tier 2). Benign skip rates are reported per file on validation, on held-out rows
/// never trained on, and on concatenations of held-out user prompts as the load test sends them.
/// </summary>
internal static class DistillCommand
{
    /// <summary>How the data list marks the files only the student was distilled on.</summary>
    private const string StudentOnly = "student only: ";

    private static double TwoPercentPoint(List<double> attacks) => attacks.Order().ElementAt((int)Math.Floor(0.02 * attacks.Count));

    public static int Run(TrainingContext context, DistillOptions options)
    {
        var data = context.LoadData();
        var files = ModelFiles.Load(context.ModelsDirectory);
        var temperature = options.Temperature;
        var alpha = options.Alpha;
        var buckets = 1 << options.Bits;
        var normalizer = new TextNormalizer();

        var heldBack = data.HeldBack.SelectMany(s => s.Rows).Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var training = data.Training.SelectMany(s => s.Rows).Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var gsm8kIndex = 0;
        var rows = data.Everything
            .Where(r => !heldBack.Contains(r.Text))
            .Where(r => training.Contains(r.Text) || !r.File.StartsWith("benign-gsm8k", StringComparison.Ordinal) || gsm8kIndex++ % 5 == 0)
            .ToList();
        var wider = data.StudentBenign.Where(s => options.WideBenign.Contains("all") || options.WideBenign.Any(w => s.File.StartsWith(w, StringComparison.Ordinal))).ToList();
        foreach (var split in wider)
        {
            rows.AddRange(split.Train);
        }
        // The generated corpus's user-side texts in its fit and validation partitions (never its test partition). Tool
        // and document text is left out: the gate always sends it to the model, so the student never routes it.
        if (options.Corpus)
        {
            var seen = rows.Select(r => normalizer.Normalize(r.Text)).ToHashSet(StringComparer.Ordinal);
            rows.AddRange(CorpusGenerator.Generate(context.Seed)
                .Where(e => e.SegmentSource == SegmentSource.User && CorpusPartition.Of(e.Text, context.Seed) != CorpusSplit.Test && seen.Add(normalizer.Normalize(e.Text)))
                .Select(e => new Example(e.Id, e.Text, e.Label, TrainingSplit.CorpusFile)));
        }
        // The fine-tuning sources' user-side rows: technique catalogue, generated hijacks and leaks, agent user tasks.
        // Tool text stays out, as above; their validation fifth is the one finetune validated on.
        if (options.WiderAttacks && LabelledData.FindDataDirectory(context.DataDirectory) is { } directory)
        {
            var seen = rows.Select(r => normalizer.Normalize(r.Text)).ToHashSet(StringComparer.Ordinal);
            rows.AddRange(FineTuning.FineTuneData.Load(directory, data, context.Seed, new HashSet<string>(), [], out _)
                .Where(r => !r.Indirect && r.Source is "arcanum" or "promptinject" or "agentdojo" && seen.Add(r.Text))
                .Select(r => new Example(r.Id, r.Text, r.Label, r.Source)));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"distilling over {rows.Count} texts ({rows.Count(r => r.Label == 1)} attacks), T={temperature}, alpha={alpha}, {buckets} buckets, {options.Epochs} epochs, learning rate {options.LearningRate}, file balance {options.FileBalance}, benign weight {options.BenignWeight}"));

        using var model = context.CreateClassifier(files, "fp32");
        using var store = context.CreateStore(model, files.EncoderKey, "fp32");
        var texts = rows.Select(r => normalizer.Normalize(r.Text)).ToList();
        // The wider benign files are taught by their label (benign: skip the model) without the teacher: the student
        // routes, and clearing benign text the teacher would have flagged costs no detection.
        var wideFiles = wider.Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        var taught = Enumerable.Range(0, rows.Count).Where(i => !wideFiles.Contains(rows[i].File)).ToList();
        var embedded = store.Embed([.. taught.Select(i => texts[i])], new Progress<string>(Console.WriteLine));
        var teacher = new double[rows.Count];
        Array.Fill(teacher, double.NaN);
        for (var k = 0; k < taught.Count; k++)
        {
            teacher[taught[k]] = HeadScoring.MaxWindow(files.Head, embedded[k], store.Dimension);
        }

        var isValidation = rows.Select(r => r.File == TrainingSplit.CorpusFile
            ? CorpusPartition.Of(r.Text, context.Seed) == CorpusSplit.Validation
            : TrainingSplit.IsValidation(r.Id, context.Seed)).ToArray();
        var fit = Enumerable.Range(0, rows.Count).Where(i => !isValidation[i]).ToList();
        var fitTexts = fit.Select(i => texts[i]).ToList();
        var fitTargets = fit.Select(i =>
        {
            if (double.IsNaN(teacher[i]))
            {
                return rows[i].Label;
            }
            var p = Math.Clamp(teacher[i], 1e-6, 1 - 1e-6);
            var soft = 1 / (1 + Math.Exp(-Math.Log(p / (1 - p)) / temperature));
            return (alpha * soft) + ((1 - alpha) * rows[i].Label);
        }).ToList();
        var fitWeights = FileWeights(fit.Select(i => rows[i]).ToList(), options.FileBalance, options.BenignWeight);
        var student = StudentTrainer.Train(fitTexts, fitTargets, buckets, context.Seed, options.Epochs, (float)options.LearningRate, (float)options.L2, fitWeights);

        // Validation: the served score (chunked; null for text longer than the student reads, which always goes to
        // tier 2) and, for the pass-below point as it was first defined, the whole-text score.
        var validation = Enumerable.Range(0, rows.Count).Where(i => isValidation[i]).ToList();
        var served = validation.ToDictionary(i => i, i => Served(student, texts[i]));
        var whole = validation.ToDictionary(i => i, i => (double)student.Probability(texts[i]));
        var attacks = validation.Where(i => rows[i].Label == 1).ToList();
        var benign = validation.Where(i => rows[i].Label == 0).ToList();
        // The pass-below point keeps 98% of the validation attacks routed to the model: of the shared rows and of the
        // generated rows each (the lower of the two), so the templated corpus cannot make the student look safer on
        // real attacks than it is; and of the served scores and the whole-text scores each (the lower again).
        // With RouteCaughtOnly, of the attacks the teacher catches (scores at or above its threshold): sending an attack
        // the model scores below its threshold to the model changes no verdict, so it must not hold benign traffic back.
        var routedAttacks = options.RouteCaughtOnly
            ? attacks.Where(i => !double.IsNaN(teacher[i]) && teacher[i] >= files.Manifest.Threshold).ToList()
            : attacks;
        double PassBelow(Func<int, double> score)
        {
            var shared = routedAttacks.Where(i => rows[i].File != TrainingSplit.CorpusFile).Select(score).ToList();
            var generated = routedAttacks.Where(i => rows[i].File == TrainingSplit.CorpusFile).Select(score).ToList();
            return shared.Count == 0 ? TwoPercentPoint(generated)
                : generated.Count == 0 ? TwoPercentPoint(shared)
                : Math.Min(TwoPercentPoint(shared), TwoPercentPoint(generated));
        }
        var passBelowServed = PassBelow(i => served[i] ?? 1);
        var passBelowWhole = PassBelow(i => whole[i]);
        var passBelow = Math.Min(passBelowServed, passBelowWhole);
        bool Skips(double? score) => score is { } s && s < passBelow;

        var attackScores = attacks.Select(i => served[i] ?? 1).ToList();
        var benignScores = benign.Select(i => served[i] ?? 1).ToList();
        var threshold = Metrics.ThresholdAtFpr(benignScores, 0.01);
        var skipped = benign.Count(i => Skips(served[i])) / (double)benign.Count;
        var (recall, _) = Metrics.RecallAtFpr(attackScores, benignScores, 0.01);
        var teacherAttacks = attacks.Where(i => !double.IsNaN(teacher[i])).Select(i => teacher[i]).ToList();
        var teacherBenign = benign.Where(i => !double.IsNaN(teacher[i])).Select(i => teacher[i]).ToList();
        var (teacherRecall, _) = Metrics.RecallAtFpr(teacherAttacks, teacherBenign, 0.01);
        var withTeacher = validation.Where(i => !double.IsNaN(teacher[i])).ToList();
        var agree = withTeacher.Count(i => ((served[i] ?? 1) >= 0.5) == (teacher[i] >= files.Manifest.Threshold));
        var report = new StringBuilder();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"validation ({validation.Count} rows): student ROC AUC {Metrics.RocAuc(attackScores, benignScores):F4}, recall@1%FPR {recall:P1} (teacher on the rows it scored {Metrics.RocAuc(teacherAttacks, teacherBenign):F4} / {teacherRecall:P1}); agreement with the teacher's verdict {(double)agree / withTeacher.Count:P1}"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"pass-below {passBelow:F4} (served scores {passBelowServed:F4}, whole-text scores {passBelowWhole:F4}; 98% of {(options.RouteCaughtOnly ? "the attacks the teacher catches" : "all attacks")}, {routedAttacks.Count} of {attacks.Count}) lets {skipped:P1} of validation benign skip tier 2"));

        report.AppendLine();
        report.AppendLine("| validation file | attacks | routed to tier 2 | benign | skip tier 2 |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var group in validation.GroupBy(i => rows[i].File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var a = group.Where(i => rows[i].Label == 1).ToList();
            var b = group.Where(i => rows[i].Label == 0).ToList();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key} | {a.Count} | {Pct(a.Count == 0 ? double.NaN : a.Count(i => !Skips(served[i])) / (double)a.Count)} | {b.Count} | {Pct(b.Count == 0 ? double.NaN : b.Count(i => Skips(served[i])) / (double)b.Count)} |");
        }

        // Held-back attacks (dev-test splits and the attack-only files): never trained on, never used to choose the
        // point, so they show whether the validation attacks' 98% carries over.
        report.AppendLine();
        report.AppendLine("| held-back attacks | rows | routed to tier 2 |");
        report.AppendLine("|---|---:|---:|");
        foreach (var set in data.HeldBack.Where(s => s.Rows.Any(r => r.Label == 1)))
        {
            var attackRows = set.Rows.Where(r => r.Label == 1).ToList();
            var routed = attackRows.Count(r => !Skips(Served(student, normalizer.Normalize(r.Text))));
            report.AppendLine(CultureInfo.InvariantCulture, $"| {set.Name} | {attackRows.Count} | {Pct(routed / (double)attackRows.Count)} |");
        }

        // Held out: the benign halves the head's evaluation holds back and the wider files' other halves; never trained
        // on, never used to choose a point.
        var heldOut = data.HeldBack.Where(s => s.Rows.Count > 0 && s.Rows.All(r => r.Label == 0)).Select(s => (s.Name, s.Rows))
            .Concat(data.StudentBenign.Select(s => (Name: s.Name + " (held-out half)", Rows: s.HeldOut)))
            .ToList();
        report.AppendLine();
        report.AppendLine("| held-out benign | rows | skip tier 2 |");
        report.AppendLine("|---|---:|---:|");
        var heldOutSkipped = 0;
        var heldOutRows = 0;
        foreach (var (name, set) in heldOut)
        {
            var count = set.Count(r => Skips(Served(student, normalizer.Normalize(r.Text))));
            heldOutSkipped += count;
            heldOutRows += set.Count;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {set.Count} | {Pct(count / (double)set.Count)} |");
        }
        var heldOutRate = heldOutSkipped / (double)Math.Max(1, heldOutRows);
        report.AppendLine(CultureInfo.InvariantCulture, $"| **all held-out benign** | {heldOutRows} | {Pct(heldOutRate)} |");

        // The load test's user turns: 2–8 held-out chat prompts and instructions joined by blank lines.
        var prompts = data.HeldBack.Where(s => s.File is "benign-mtbench-vicuna/benign.jsonl" or "benign-self-instruct/benign.jsonl")
            .SelectMany(s => s.Rows).Select(r => r.Text).ToList();
        var concatenated = double.NaN;
        if (prompts.Count > 0)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"| concatenated held-out prompts ({prompts.Count} mtbench-vicuna and self-instruct) | turns | mean chars | skip tier 2 |");
            report.AppendLine("|---|---:|---:|---:|");
            var random = new Random(context.Seed);
            var all = 0;
            var total = 0;
            for (var k = 2; k <= 8; k++)
            {
                var count = 0;
                var chars = 0L;
                const int Turns = 200;
                for (var n = 0; n < Turns; n++)
                {
                    var turn = normalizer.Normalize(string.Join("\n\n", Enumerable.Range(0, k).Select(_ => prompts[random.Next(prompts.Count)])));
                    chars += turn.Length;
                    count += Skips(Served(student, turn)) ? 1 : 0;
                }
                all += count;
                total += Turns;
                report.AppendLine(CultureInfo.InvariantCulture, $"| {k} prompts | {Turns} | {chars / Turns} | {Pct(count / (double)Turns)} |");
            }
            concatenated = all / (double)total;
            report.AppendLine(CultureInfo.InvariantCulture, $"| **2–8 prompts** | {total} | | {Pct(concatenated)} |");
        }
        Console.WriteLine(report);
        if (options.Report is { } reportPath)
        {
            File.WriteAllText(reportPath, report.ToString());
        }

        const string StudentFile = "tier2-student.bin";
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, StudentFile)))
        {
            student.Save(stream);
        }
        var metrics = new Dictionary<string, double>(files.Manifest.Metrics)
        {
            ["student.validation.rocAuc"] = Math.Round(Metrics.RocAuc(attackScores, benignScores), 4),
            ["student.validation.recallAt1PctFpr"] = Math.Round(recall, 4),
            ["student.validation.benignSkipped"] = Math.Round(skipped, 4),
            ["student.heldOut.benignSkipped"] = Math.Round(heldOutRate, 4),
            ["student.distilledRows"] = fitTexts.Count,
        };
        if (!double.IsNaN(concatenated))
        {
            metrics["student.concatenated.benignSkipped"] = Math.Round(concatenated, 4);
        }
        var manifest = files.Manifest with
        {
            Student = new StudentManifest(StudentFile, temperature, alpha, Math.BitIncrement(threshold), passBelow),
            Data = [.. files.Manifest.Data.Where(d => !d.Use.StartsWith(StudentOnly, StringComparison.Ordinal)),
                .. wider.Select(s => new DataFileManifest(s.File, StudentOnly + s.Name + " (training half)", s.Train.Count))],
            Metrics = metrics,
            Recipe = [.. files.Manifest.Recipe.Where(c => !c.StartsWith("distill", StringComparison.Ordinal)), TrainingCli.CommandLine()],
        };
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, "manifest.json")))
        {
            manifest.Save(stream);
        }
        Console.WriteLine($"wrote {StudentFile} and updated manifest.json");
        return 0;
    }

    /// <summary>The student's score as the gate reads it; null for text longer than it reads (always sent to tier 2).</summary>
    private static double? Served(HashedNgramStudent student, string text)
        => text.Length <= HashedNgramStudent.MaxChars ? student.MaxChunkProbability(text) : null;

    /// <summary>
    /// Per-row weights: within each class a file's rows weigh <c>(mean rows per file / its rows)^balance</c> (0: every
    /// row alike; 1: every file alike), then benign rows are scaled by <paramref name="benignWeight"/>; the mean weight is 1.
    /// </summary>
    internal static double[] FileWeights(IReadOnlyList<Example> rows, double balance, double benignWeight)
    {
        var weights = new double[rows.Count];
        foreach (var label in rows.Select(r => r.Label).Distinct())
        {
            var counts = rows.Where(r => r.Label == label).GroupBy(r => r.File).ToDictionary(g => g.Key, g => g.Count());
            var mean = counts.Values.Average();
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Label == label)
                {
                    weights[i] = Math.Pow(mean / counts[rows[i].File], balance) * (label == 0 ? benignWeight : 1);
                }
            }
        }
        var average = weights.Length == 0 ? 1 : weights.Average();
        return [.. weights.Select(w => w / average)];
    }

    private static string Pct(double value) => double.IsNaN(value) ? "–" : value.ToString("P1", CultureInfo.InvariantCulture);
}

/// <summary><c>distill</c>'s own options.</summary>
/// <param name="Temperature">The teacher's logit is divided by this before the sigmoid.</param>
/// <param name="Alpha">The soft target's share; the label has the rest.</param>
/// <param name="Bits">The student hashes n-grams into 2^bits buckets.</param>
/// <param name="Corpus">Add the generated corpus's user-side texts outside its test partition.</param>
/// <param name="WideBenign">The wider benign files (<see cref="LabelledData.StudentBenign"/>) whose training halves are added, by folder name ("benign-owasp-llm-top10"); "all" for every one, none for none.</param>
/// <param name="Epochs">Passes over the fitting rows.</param>
/// <param name="LearningRate">AdaGrad's base step.</param>
/// <param name="L2">L2 penalty on the weights.</param>
/// <param name="FileBalance">0: every row weighs alike; 1: every file weighs alike within its class.</param>
/// <param name="BenignWeight">Benign rows' weight relative to attacks'.</param>
/// <param name="Report">A file the per-file report is also written to.</param>
/// <param name="RouteCaughtOnly">The pass-below point keeps 98% of the validation attacks the teacher catches routed (true), or of all of them.</param>
/// <param name="WiderAttacks">Add the user-side rows of the fine-tuning sources (<see cref="FineTuning.FineTuneData"/>: arcanum, promptinject, agentdojo user tasks), taught by the teacher.</param>
internal sealed record DistillOptions(double Temperature, double Alpha, int Bits, bool Corpus, IReadOnlyList<string> WideBenign, int Epochs = 16, double LearningRate = 0.5, double L2 = 1e-5, double FileBalance = 0, double BenignWeight = 1, string? Report = null, bool RouteCaughtOnly = false, bool WiderAttacks = false);
