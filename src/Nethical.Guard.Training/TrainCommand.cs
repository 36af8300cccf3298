using System.Globalization;
using System.Security.Cryptography;
using Nethical.Guard.Normalization;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>train</c>: embeddings of the shared training side and the generated corpus's fit and validation partitions →
/// logistic and MLP heads, each with and without the text's source, fitted on the fit rows and compared on the
/// validation rows (by recall at the operating point, then ROC AUC) → the best one, its operating threshold (the shared
/// validation benign texts' 1% false-positive point by default) and a manifest in <c>models/</c>.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The sources <c>--source-aware</c> accepts: both head kinds, source-aware only, or plain only.</summary>
    public static readonly string[] SourceAwareChoices = ["both", "true", "false"];

    /// <summary>How <c>--balance</c> weighs the fitting rows.</summary>
    public static readonly string[] BalanceChoices = ["sources", "files", "none"];

    /// <summary>Which validation benign rows set the operating threshold (<c>--threshold-on</c>).</summary>
    public static readonly string[] ThresholdChoices = ["shared", "all", "files"];

    public static int Run(TrainingContext context, TrainOptions options)
    {
        var data = context.LoadData();
        var encoder = options.Encoder;
        var normalizer = new TextNormalizer();
        using var model = context.CreateClassifier(encoder, "fp32");
        using var store = context.CreateStore(model, encoder, "fp32");

        // The shared training side (user text) plus the generated corpus's fit and validation partitions (its test
        // partition is never seen here). --corpus false trains on the shared data alone, as before the corpus existed.
        var useCorpus = options.Corpus;
        var rows = data.Training.SelectMany(s => s.Rows).DistinctBy(r => normalizer.Normalize(r.Text))
            .Select(r => new TrainingRow(r.Id, r.Text, r.Label, r.File, Indirect: false, TrainingSplit.IsValidation(r.Id, context.Seed)))
            .ToList();
        var corpusRows = 0;
        if (useCorpus)
        {
            // Deduplicated as the model reads them: by normalised text.
            var seen = rows.Select(r => normalizer.Normalize(r.Text)).ToHashSet(StringComparer.Ordinal);
            foreach (var example in CorpusGenerator.Generate(context.Seed))
            {
                var split = CorpusPartition.Of(example.Text, context.Seed);
                if (split != CorpusSplit.Test && seen.Add(normalizer.Normalize(example.Text)))
                {
                    rows.Add(new TrainingRow(example.Id, example.Text, example.Label, TrainingSplit.CorpusFile, Tier2Text.IsIndirect(example.SegmentSource), split == CorpusSplit.Validation));
                    corpusRows++;
                }
            }
        }
        var texts = rows.Select(r => normalizer.Normalize(r.Text)).ToList();
        Console.WriteLine($"training rows: {rows.Count} ({rows.Count(r => r.Label == 1)} attacks, {corpusRows} generated); embedding with {encoder} fp32 ...");
        var embedded = store.Embed(texts, new Progress<string>(Console.WriteLine));
        var dimension = store.Dimension;
        Console.WriteLine($"texts longer than one window: {embedded.Count(e => e.Length > dimension)} ({rows.Where((_, i) => embedded[i].Length > dimension).Count(r => r.Label == 1)} attacks)");

        // Candidates: logistic and MLP, each reading the embedding alone or the embedding and the text's source.
        var sourceChoices = options.SourceAware switch
        {
            "true" => new[] { true },
            "false" => [false],
            _ => [false, true],
        };
        // Defaults (measured; see the issue-5 note): the generated side weighs a quarter of the shared side per class,
        // and the operating point is the shared validation benign rows' 1% point.
        var balance = options.Balance ?? (useCorpus ? "sources" : "none");
        var thresholdOn = options.ThresholdOn;
        var hidden = options.Hidden;
        var targetFpr = options.Fpr;
        var candidates = new List<(string Name, ClassifierHead Head)>();
        foreach (var sourceAware in sourceChoices)
        {
            // Validation scores as served: the highest window's probability. Fitting reads every window of a benign
            // text (each is benign), but only one window of an attack, since a payload in the middle of a long document
            // is in one or two windows and the rest are ordinary text: first the head window, then, once a head
            // exists, the window it scores highest (two rounds of multiple-instance learning).
            ClassifierHead? logistic = null, mlp = null;
            for (var round = 0; round < 2; round++)
            {
                var (fitX, fitY, fitGroups) = FitSet(rows, embedded, dimension, sourceAware, round == 0 ? null : mlp);
                // --balance files: equal weight per file and class (measured on the shared data: no better, so off by default).
                // --balance sources: the shared rows and the generated rows weigh the same per class, the generated side
                // then scaled by --corpus-weight.
                IReadOnlyList<float>? weights = balance switch
                {
                    "files" => HeadTrainer.BalancedWeights(fitGroups, fitY),
                    "sources" => SourceWeighting.SourceWeights(fitGroups, fitY, options.CorpusWeight),
                    _ => null,
                };
                Console.WriteLine($"round {round + 1}: fit windows {fitX.Count}, validation texts {rows.Count(r => r.Validation)}, balance: {balance}, source-aware: {sourceAware}");
                logistic = WithFlag(HeadTrainer.TrainLogistic(fitX, fitY, context.Seed, weights: weights), sourceAware);
                mlp = WithFlag(HeadTrainer.TrainMlp(fitX, fitY, hidden, context.Seed, weights: weights), sourceAware);
            }
            var suffix = sourceAware ? "+source" : "";
            candidates.Add(("logistic" + suffix, logistic!));
            candidates.Add(($"mlp-{hidden}" + suffix, mlp!));
        }

        // The choice: recall at 1% false positives on all validation rows, shared and generated, with the threshold set
        // on the validation benign rows alone. The shared and generated parts are printed apart so neither hides.
        (string Name, ClassifierHead Head, double Recall, double Auc, double Threshold)? best = null;
        foreach (var (name, head) in candidates)
        {
            var positives = new List<double>();
            var negatives = new List<double>();
            var sharedPositives = new List<double>();
            var sharedNegatives = new List<double>();
            var perFile = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Validation)
                {
                    var score = HeadScoring.MaxWindow(head, embedded[i], dimension, rows[i].Indirect);
                    (rows[i].Label == 1 ? positives : negatives).Add(score);
                    if (rows[i].File != TrainingSplit.CorpusFile)
                    {
                        (rows[i].Label == 1 ? sharedPositives : sharedNegatives).Add(score);
                        if (rows[i].Label == 0)
                        {
                            (perFile.TryGetValue(rows[i].File, out var list) ? list : perFile[rows[i].File] = []).Add(score);
                        }
                    }
                }
            }
            var auc = Metrics.RocAuc(positives, negatives);
            // --threshold-on shared: the 1% point of the shared validation benign rows alone (real user prompts); the
            // generated hard negatives are then a reported stress test rather than part of the operating point.
            // --threshold-on files: the highest of the shared benign files' own 1% points (at least one row each), so no
            // single file is over.
            var threshold = thresholdOn switch
            {
                "shared" => Metrics.ThresholdAtFpr(sharedNegatives, targetFpr),
                // A file with under 100 validation rows still gets one false positive, or a single row would set the point.
                "files" => perFile.Values.Max(scores => Metrics.ThresholdAtFpr(scores, Math.Max(targetFpr, 1.0 / scores.Count))),
                _ => Metrics.ThresholdAtFpr(negatives, targetFpr),
            };
            var recall = positives.Count(p => p > threshold) / (double)Math.Max(1, positives.Count);
            var corpusFpr = negatives.Count(n => n > threshold) - sharedNegatives.Count(n => n > threshold);
            var corpusNegatives = negatives.Count - sharedNegatives.Count;
            var sharedRecall = sharedPositives.Count(p => p > threshold) / (double)Math.Max(1, sharedPositives.Count);
            var sharedFpr = sharedNegatives.Count(n => n > threshold) / (double)Math.Max(1, sharedNegatives.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-16} validation: ROC AUC {auc:F4}, recall@1%FPR {recall:P1} (threshold {threshold:F4}); shared rows alone at that threshold: recall {sharedRecall:P1}, FPR {sharedFpr:P1}; generated benign FPR {(double)corpusFpr / Math.Max(1, corpusNegatives):P1}"));
            if (best is null || recall > best.Value.Recall + 1e-9 || (Math.Abs(recall - best.Value.Recall) < 1e-9 && auc > best.Value.Auc))
            {
                best = (name, head, recall, auc, threshold);
            }
        }

        var chosen = best!.Value;
        Directory.CreateDirectory(context.ModelsDirectory);
        var headFile = "tier2-head.json";
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, headFile)))
        {
            chosen.Head.Save(stream);
        }

        var version = "tier2-" + encoder.ToLowerInvariant() + "-" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(context.ModelsDirectory, headFile))))[..12].ToLowerInvariant();
        var manifest = new ModelManifest
        {
            ModelVersion = version,
            Encoder = encoder,
            EncoderPackage = $"SentenceTransformers.{encoder} 24.9.52193",
            Head = headFile,
            HeadKind = chosen.Name,
            // Measured as "a score strictly above"; served as "at or above": the next float up makes them the same rule.
            Threshold = Math.BitIncrement(chosen.Threshold),
            WindowTokens = model.Windows.WindowTokens,
            WindowStride = model.Windows.Stride,
            MaxWindows = model.Windows.MaxWindows,
            Student = null,
            Seed = context.Seed,
            Data = [.. data.Training.Select(s => new DataFileManifest(s.File, s.Name, s.Rows.Count)), .. useCorpus ? new[] { new DataFileManifest(TrainingSplit.CorpusFile, $"generated corpus, seed {context.Seed}, fit and validation partitions", corpusRows) } : []],
            Metrics = new Dictionary<string, double>
            {
                ["validation.rocAuc"] = Math.Round(chosen.Auc, 4),
                ["validation.recallAt1PctFpr"] = Math.Round(chosen.Recall, 4),
                ["validation.rows"] = rows.Count(r => r.Validation),
                ["training.generatedRows"] = corpusRows,
            },
            Recipe = [TrainingCli.CommandLine()],
        };
        using (var stream = File.Create(Path.Combine(context.ModelsDirectory, "manifest.json")))
        {
            manifest.Save(stream);
        }
        Console.WriteLine($"wrote {headFile} ({chosen.Name}) and manifest.json, model version {version}; run distill next (the student is reset).");
        return 0;
    }

    private sealed record TrainingRow(string Id, string Text, int Label, string File, bool Indirect, bool Validation);

    /// <summary>A source-aware head's features for one window: <c>[e, s·e, s]</c>.</summary>
    private static float[] WithSource(ReadOnlySpan<float> embedding, bool indirect)
    {
        var features = new float[(2 * embedding.Length) + 1];
        ClassifierHead.SourceFeatures(embedding, indirect, features);
        return features;
    }

    /// <summary>
    /// The fitting windows: every window of a benign text; of an attack, its head window, or with <paramref name="chooser"/>
    /// the window that head scores highest.
    /// </summary>
    private static (List<float[]> X, List<int> Y, List<string> Groups) FitSet(List<TrainingRow> rows, IReadOnlyList<float[]> embedded, int dimension, bool sourceAware, ClassifierHead? chooser)
    {
        var x = new List<float[]>();
        var y = new List<int>();
        var groups = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Validation)
            {
                continue;
            }
            var windows = embedded[i].Length / dimension;
            var chosen = 0;
            if (rows[i].Label == 1 && chooser is not null && windows > 1)
            {
                var best = double.MinValue;
                for (var w = 0; w < windows; w++)
                {
                    var score = chooser.Logit(embedded[i].AsSpan(w * dimension, dimension), rows[i].Indirect);
                    if (score > best)
                    {
                        (best, chosen) = (score, w);
                    }
                }
            }
            for (var w = 0; w < windows; w++)
            {
                if (rows[i].Label == 1 && w != chosen)
                {
                    continue;
                }
                var window = embedded[i].AsSpan(w * dimension, dimension);
                x.Add(sourceAware ? WithSource(window, rows[i].Indirect) : window.ToArray());
                y.Add(rows[i].Label);
                groups.Add(rows[i].File);
            }
        }
        return (x, y, groups);
    }

    private static ClassifierHead WithFlag(ClassifierHead head, bool sourceAware)
        => sourceAware ? new ClassifierHead(head.Layers, sourceAware: true) : head;
}

/// <summary><c>train</c>'s own options (the common ones are in <see cref="TrainingContext"/>).</summary>
/// <param name="Encoder">The sentence encoder package: MiniLM or ArcticXs.</param>
/// <param name="Corpus">Train with the generated corpus's fit and validation partitions (false: the shared data alone).</param>
/// <param name="SourceAware">both, true or false: which head candidates read the text's source.</param>
/// <param name="Balance">sources, files or none; null: sources with the corpus, none without.</param>
/// <param name="ThresholdOn">shared, all or files: the validation benign rows that set the operating point.</param>
/// <param name="Hidden">The MLP head's hidden units.</param>
/// <param name="Fpr">The operating point's false-positive rate.</param>
/// <param name="CorpusWeight">The generated side's weight per class relative to the shared side's.</param>
internal sealed record TrainOptions(string Encoder, bool Corpus, string SourceAware, string? Balance, string ThresholdOn, int Hidden, double Fpr, double CorpusWeight);
