using System.Globalization;
using System.Text;
using Nethical.Guard.Normalization;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>lofo</c>: leave-one-family-out. For each value of each generator family (an intent, a carrier, a framing, a
/// language, an obfuscation), a head of the served kind (MLP-64 by default, source-aware with <c>--source-aware</c>) is
/// trained on the shared training data plus the generated fit partition <em>without</em> that value, weighted as
/// <c>train</c> weighs them; its threshold is set on benign data only (1% false positives on the shared validation
/// benign rows), and its recall is measured on every attack of the held-out value. That predicts how the model meets
/// attacks nobody wrote a template for. The same with the value kept in training (its test partition measured) is
/// reported beside it. Nothing is written to models/.
/// </summary>
internal static class LofoCommand
{
    public static int Run(TrainingContext context, LofoOptions settings)
    {
        var data = context.LoadData();
        var encoder = settings.Encoder;
        var normalizer = new TextNormalizer();
        using var model = context.CreateClassifier(encoder, "fp32");
        using var store = context.CreateStore(model, encoder, "fp32");
        var dimension = store.Dimension;

        // Deduplicated as train deduplicates: by the text the model reads.
        var shared = data.Training.SelectMany(s => s.Rows).DistinctBy(r => normalizer.Normalize(r.Text)).ToList();
        var corpus = CorpusGenerator.Generate(context.Seed);
        Console.WriteLine($"embedding {shared.Count} shared and {corpus.Count} generated texts ...");
        IReadOnlyList<float[]> sharedEmbedded = store.Embed(shared.Select(r => normalizer.Normalize(r.Text)).ToList(), new Progress<string>(Console.WriteLine));
        IReadOnlyList<float[]> corpusEmbedded = store.Embed(corpus.Select(e => normalizer.Normalize(e.Text)).ToList(), new Progress<string>(Console.WriteLine));

        var sharedValidation = shared.Select(r => TrainingSplit.IsValidation(r.Id, context.Seed)).ToArray();
        var corpusSplit = corpus.Select(e => CorpusPartition.Of(e.Text, context.Seed)).ToArray();
        var options = new HeadRecipe(
            Head: settings.Head,
            Hidden: settings.Hidden,
            Epochs: settings.Epochs,
            ThresholdOnSharedOnly: settings.ThresholdOn is not "all",
            Fpr: settings.Fpr,
            CorpusWeight: settings.CorpusWeight,
            Seed: context.Seed);
        var measureKept = settings.Kept;
        var sourceAware = settings.SourceAware;
        var only = settings.Families?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (sourceAware)
        {
            // Source-aware features: [e, s·e, s] with s = 1 for tool and document text, 0 for user text. For a linear head
            // that is a separate head per source, sharing nothing but the training run.
            sharedEmbedded = [.. sharedEmbedded.Select(e => WithSource(e, dimension, indirect: false))];
            corpusEmbedded = [.. corpusEmbedded.Select((e, i) => WithSource(e, dimension, Tier2Text.IsIndirect(corpus[i].SegmentSource)))];
            dimension = (2 * dimension) + 1;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"leave-one-family-out, {options.Head}{(options.Head == "mlp" ? "-" + options.Hidden.ToString(CultureInfo.InvariantCulture) : "")} head ({options.Epochs} epochs) on {encoder} fp32{(sourceAware ? ", source-aware" : "")}, threshold at {options.Fpr:P1} false positives on validation benign rows ({(options.ThresholdOnSharedOnly ? "shared" : "shared + generated")})");
        foreach (var (family, key) in CorpusExample.Families)
        {
            if (only is not null && !only.Contains(family))
            {
                continue;
            }
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"#### {family}");
            report.AppendLine();
            report.AppendLine("| held out | attacks | recall, held out | recall, kept in training | benign FPR (shared validation) |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            var values = corpus.Where(e => e.Label == 1).Select(key).Distinct().Order(StringComparer.Ordinal).ToList();
            var heldOutRecalls = new List<double>();
            foreach (var value in values)
            {
                // Held out: no row of this value (attack or benign) in training.
                var (heldOut, heldFpr) = TrainAndMeasure(shared, sharedEmbedded, sharedValidation, corpus, corpusEmbedded, corpusSplit,
                    trainOn: e => key(e) != value, testOn: e => key(e) == value && e.Label == 1, dimension, options);
                // Kept: the value trains (its fit partition) and its test partition is tested.
                var kept = measureKept
                    ? TrainAndMeasure(shared, sharedEmbedded, sharedValidation, corpus, corpusEmbedded, corpusSplit,
                        trainOn: _ => true, testOn: e => key(e) == value && e.Label == 1, dimension, options, testPartitionOnly: true).Recall
                    : double.NaN;
                heldOutRecalls.Add(heldOut);
                var count = corpus.Count(e => key(e) == value && e.Label == 1);
                var keptText = double.IsNaN(kept) ? "–" : kept.ToString("P1", CultureInfo.InvariantCulture);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {value} | {count} | {heldOut:P1} | {keptText} | {heldFpr:P1} |");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {family}={value}: held out {heldOut:P1}, kept {keptText}"));
            }
            report.AppendLine(CultureInfo.InvariantCulture, $"| **mean** | | **{heldOutRecalls.Average():P1}** | | |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| **worst** | | **{heldOutRecalls.Min():P1}** | | |");
        }

        Console.WriteLine(report);
        if (settings.Out is { } output)
        {
            File.WriteAllText(output, report.ToString());
        }
        return 0;
    }

    /// <summary>Each window's vector becomes [e, s·e, s] (<see cref="ClassifierHead.SourceFeatures"/>).</summary>
    private static float[] WithSource(float[] windows, int dimension, bool indirect)
    {
        var width = (2 * dimension) + 1;
        var result = new float[windows.Length / dimension * width];
        for (var w = 0; w < windows.Length / dimension; w++)
        {
            ClassifierHead.SourceFeatures(windows.AsSpan(w * dimension, dimension), indirect, result.AsSpan(w * width, width));
        }
        return result;
    }

    private sealed record HeadRecipe(string Head, int Hidden, int Epochs, bool ThresholdOnSharedOnly, double Fpr, double CorpusWeight, int Seed);

    /// <summary>
    /// Trains one head as <c>train</c> does (every window of a benign text, the head window of an attack) on the shared
    /// fitting rows and the generated fit partition that <paramref name="trainOn"/> keeps; sets its threshold on
    /// validation benign rows only; returns the recall on <paramref name="testOn"/>'s attacks.
    /// </summary>
    private static (double Recall, double SharedBenignFpr) TrainAndMeasure(
        List<Example> shared, IReadOnlyList<float[]> sharedEmbedded, bool[] sharedValidation,
        List<CorpusExample> corpus, IReadOnlyList<float[]> corpusEmbedded, CorpusSplit[] corpusSplit,
        Func<CorpusExample, bool> trainOn, Func<CorpusExample, bool> testOn, int dimension, HeadRecipe options, bool testPartitionOnly = false)
    {
        var groups = new List<string>();
        void AddWindows(List<float[]> x, List<int> y, float[] windows, int label, string group)
        {
            for (var offset = 0; offset < windows.Length; offset += dimension)
            {
                x.Add(windows[offset..(offset + dimension)]);
                y.Add(label);
                groups.Add(group);
                if (label == 1)
                {
                    break;
                }
            }
        }

        var x = new List<float[]>();
        var y = new List<int>();
        for (var i = 0; i < shared.Count; i++)
        {
            if (!sharedValidation[i])
            {
                AddWindows(x, y, sharedEmbedded[i], shared[i].Label, "shared");
            }
        }
        for (var i = 0; i < corpus.Count; i++)
        {
            if (corpusSplit[i] == CorpusSplit.Fit && trainOn(corpus[i]))
            {
                AddWindows(x, y, corpusEmbedded[i], corpus[i].Label, TrainingSplit.CorpusFile);
            }
        }
        // Weighted as train weighs them: shared and generated balanced per class, the generated side scaled.
        var weights = SourceWeighting.SourceWeights(groups, y, options.CorpusWeight);
        var head = options.Head == "logistic"
            ? HeadTrainer.TrainLogistic(x, y, options.Seed, epochs: 2 * options.Epochs, weights: weights)
            : HeadTrainer.TrainMlp(x, y, options.Hidden, options.Seed, epochs: options.Epochs, weights: weights);

        // Threshold on benign data only: validation benign rows of the shared data and of the corpus kept in training.
        var benign = new List<double>();
        var sharedBenign = new List<double>();
        for (var i = 0; i < shared.Count; i++)
        {
            if (sharedValidation[i] && shared[i].Label == 0)
            {
                var score = HeadScoring.MaxWindow(head, sharedEmbedded[i], dimension);
                benign.Add(score);
                sharedBenign.Add(score);
            }
        }
        for (var i = 0; i < corpus.Count; i++)
        {
            if (corpusSplit[i] == CorpusSplit.Validation && corpus[i].Label == 0 && trainOn(corpus[i]))
            {
                benign.Add(HeadScoring.MaxWindow(head, corpusEmbedded[i], dimension));
            }
        }
        var threshold = Metrics.ThresholdAtFpr(options.ThresholdOnSharedOnly ? sharedBenign : benign, options.Fpr);

        var caught = 0;
        var total = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            if (testOn(corpus[i]) && (!testPartitionOnly || corpusSplit[i] == CorpusSplit.Test))
            {
                total++;
                if (HeadScoring.MaxWindow(head, corpusEmbedded[i], dimension) > threshold)
                {
                    caught++;
                }
            }
        }
        var sharedFpr = sharedBenign.Count == 0 ? double.NaN : (double)sharedBenign.Count(s => s > threshold) / sharedBenign.Count;
        return (total == 0 ? double.NaN : (double)caught / total, sharedFpr);
    }
}

/// <summary><c>lofo</c>'s own options.</summary>
/// <param name="Encoder">The sentence encoder package: MiniLM or ArcticXs.</param>
/// <param name="Head">mlp or logistic.</param>
/// <param name="Hidden">The MLP head's hidden units.</param>
/// <param name="Epochs">Training epochs (twice as many for a logistic head).</param>
/// <param name="ThresholdOn">shared or all: the validation benign rows that set the threshold.</param>
/// <param name="Fpr">The threshold's false-positive rate.</param>
/// <param name="CorpusWeight">The generated side's weight per class relative to the shared side's.</param>
/// <param name="Kept">Also measure each value kept in training.</param>
/// <param name="SourceAware">Heads that read the text's source.</param>
/// <param name="Families">Comma-separated generator families to measure; null: all.</param>
/// <param name="Out">A file the report is also written to.</param>
internal sealed record LofoOptions(string Encoder, string Head, int Hidden, int Epochs, string ThresholdOn, double Fpr, double CorpusWeight, bool Kept, bool SourceAware, string? Families, string? Out);
