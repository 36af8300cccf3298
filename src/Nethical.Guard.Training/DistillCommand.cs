using System.Globalization;
using Nethical.Guard.Extraction;
using Nethical.Guard.Normalization;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>distill</c>: the trained head's scores (the teacher: encoder + head, fp32) over the text in the data folder, taught
/// to a hashed n-gram student with target <c>alpha · sigmoid(logit / T) + (1 − alpha) · label</c>. Held-back rows are
/// left out (so evaluate stays honest) and gsm8k is sampled; the generated corpus's user-side texts outside its test
/// partition are added. The validation fifth of the training rows is held out of
/// the student too and sets its operating threshold and its pass-below point (98% of validation attacks at or above it).
/// </summary>
internal static class DistillCommand
{
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
        // The generated corpus's user-side texts in its fit and validation partitions (never its test partition). Tool
        // and document text is left out: the gate always sends it to the model, so the student never routes it.
        if (options.Corpus)
        {
            var seen = rows.Select(r => normalizer.Normalize(r.Text)).ToHashSet(StringComparer.Ordinal);
            rows.AddRange(CorpusGenerator.Generate(context.Seed)
                .Where(e => e.SegmentSource == SegmentSource.User && CorpusPartition.Of(e.Text, context.Seed) != CorpusSplit.Test && seen.Add(normalizer.Normalize(e.Text)))
                .Select(e => new Example(e.Id, e.Text, e.Label, TrainingSplit.CorpusFile)));
        }
        Console.WriteLine($"distilling over {rows.Count} texts ({rows.Count(r => r.Label == 1)} attacks), T={temperature}, alpha={alpha}, {buckets} buckets");

        using var model = context.CreateClassifier(files.Manifest.Encoder, "fp32", files.Head);
        using var store = context.CreateStore(model, files.Manifest.Encoder, "fp32");
        var texts = rows.Select(r => normalizer.Normalize(r.Text)).ToList();
        var embedded = store.Embed(texts, new Progress<string>(Console.WriteLine));
        var teacher = embedded.Select(e => HeadScoring.MaxWindow(files.Head, e, store.Dimension)).ToArray();

        var isValidation = rows.Select(r => r.File == TrainingSplit.CorpusFile
            ? CorpusPartition.Of(r.Text, context.Seed) == CorpusSplit.Validation
            : TrainingSplit.IsValidation(r.Id, context.Seed)).ToArray();
        var fitTexts = new List<string>();
        var fitTargets = new List<double>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (isValidation[i])
            {
                continue;
            }
            var logit = Math.Log(Math.Clamp(teacher[i], 1e-6, 1 - 1e-6) / (1 - Math.Clamp(teacher[i], 1e-6, 1 - 1e-6)));
            var soft = 1 / (1 + Math.Exp(-logit / temperature));
            fitTexts.Add(texts[i]);
            fitTargets.Add((alpha * soft) + ((1 - alpha) * rows[i].Label));
        }
        var student = StudentTrainer.Train(fitTexts, fitTargets, buckets, context.Seed);

        var attacks = new List<double>();
        var benign = new List<double>();
        var sharedAttacks = new List<double>();
        var generatedAttacks = new List<double>();
        var teacherAttacks = new List<double>();
        var teacherBenign = new List<double>();
        var agree = 0;
        var validation = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (!isValidation[i])
            {
                continue;
            }
            var s = student.Probability(texts[i]);
            (rows[i].Label == 1 ? attacks : benign).Add(s);
            if (rows[i].Label == 1)
            {
                (rows[i].File == TrainingSplit.CorpusFile ? generatedAttacks : sharedAttacks).Add(s);
            }
            (rows[i].Label == 1 ? teacherAttacks : teacherBenign).Add(teacher[i]);
            validation++;
            if ((s >= 0.5) == (teacher[i] >= files.Manifest.Threshold))
            {
                agree++;
            }
        }
        var threshold = Metrics.ThresholdAtFpr(benign, 0.01);
        // The pass-below point keeps 98% of the validation attacks routed to the model: of the shared rows and of the
        // generated rows each (the lower of the two), so the templated corpus cannot make the student look safer on
        // real attacks than it is.
        var passBelow = sharedAttacks.Count == 0
            ? TwoPercentPoint(attacks)
            : generatedAttacks.Count == 0 ? TwoPercentPoint(sharedAttacks) : Math.Min(TwoPercentPoint(sharedAttacks), TwoPercentPoint(generatedAttacks));
        var skipped = benign.Count(b => b < passBelow) / (double)benign.Count;
        var (recall, _) = Metrics.RecallAtFpr(attacks, benign, 0.01);
        var (teacherRecall, _) = Metrics.RecallAtFpr(teacherAttacks, teacherBenign, 0.01);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation ({validation} rows): student ROC AUC {Metrics.RocAuc(attacks, benign):F4}, recall@1%FPR {recall:P1} (teacher {Metrics.RocAuc(teacherAttacks, teacherBenign):F4} / {teacherRecall:P1}); agreement with the teacher's verdict {(double)agree / validation:P1}; pass-below {passBelow:F4} lets {skipped:P1} of benign skip tier 2"));

        const string StudentFile = "tier2-student.bin";
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, StudentFile)))
        {
            student.Save(stream);
        }
        var manifest = files.Manifest with
        {
            Student = new StudentManifest(StudentFile, temperature, alpha, Math.BitIncrement(threshold), passBelow),
            Metrics = new Dictionary<string, double>(files.Manifest.Metrics)
            {
                ["student.validation.rocAuc"] = Math.Round(Metrics.RocAuc(attacks, benign), 4),
                ["student.validation.recallAt1PctFpr"] = Math.Round(recall, 4),
                ["student.validation.benignSkipped"] = Math.Round(skipped, 4),
                ["student.distilledRows"] = fitTexts.Count,
            },
        };
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, "manifest.json")))
        {
            manifest.Save(stream);
        }
        Console.WriteLine($"wrote {StudentFile} and updated manifest.json");
        return 0;
    }
}

/// <summary><c>distill</c>'s own options.</summary>
/// <param name="Temperature">The teacher's logit is divided by this before the sigmoid.</param>
/// <param name="Alpha">The soft target's share; the label has the rest.</param>
/// <param name="Bits">The student hashes n-grams into 2^bits buckets.</param>
/// <param name="Corpus">Add the generated corpus's user-side texts outside its test partition.</param>
internal sealed record DistillOptions(double Temperature, double Alpha, int Bits, bool Corpus);
