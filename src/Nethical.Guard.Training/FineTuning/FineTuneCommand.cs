using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>Options of <c>finetune</c>.</summary>
/// <param name="Layers">Transformer layers kept (6: all of MiniLM-L6; 3 or 4: the pruned cut).</param>
/// <param name="Epochs">Passes over a per-source sample of the fitting rows.</param>
/// <param name="PerSource">At most this many fitting rows per source and class in each epoch's sample.</param>
/// <param name="EncoderRate">Peak learning rate of the encoder's layers (AdamW, linear warm-up and decay).</param>
/// <param name="HeadRate">Peak learning rate of the head.</param>
/// <param name="BatchWindows">Token windows per optimiser step.</param>
/// <param name="TrainWindows">A long text is trained on at most this many of its windows (evenly spaced); scored on all.</param>
/// <param name="HoldOut">Sources left out of training entirely and reported on their own.</param>
/// <param name="HoldOutFamilies">Corpus family values (<c>language=ru</c>) left out of training and reported on their own.</param>
/// <param name="SourceMarker">
/// An experiment: tool and document text starts with the marker token <c>[unused1]</c> in place of the classification
/// token, so the source reaches the encoder itself and not only the head. Serving does not mark text; a model trained
/// with it is for measuring, not shipping.
/// </param>
/// <param name="Fpr">The operating point's false-positive rate on the validation benign rows.</param>
/// <param name="Output">Where the run writes its checkpoints, report and model files.</param>
/// <param name="LimitRows">Train on at most this many rows (a smoke run); 0: all.</param>
/// <param name="Caps">Per-source overrides of <paramref name="PerSource"/> (templated sources lower, varied ones higher).</param>
internal sealed record FineTuneOptions(
    int Layers, int Epochs, int PerSource, double EncoderRate, double HeadRate, int BatchWindows, int TrainWindows,
    IReadOnlyList<string> HoldOut, double Fpr, string Output, int LimitRows, IReadOnlyDictionary<string, int>? Caps = null,
    IReadOnlyList<FamilyValue>? HoldOutFamilies = null, bool SourceMarker = false);

/// <summary>
/// <c>finetune</c>: the packaged encoder and a source-aware head (<c>[e, s·e, s]</c>, the head serving already reads)
/// trained end to end on the wider data, a text's logit the highest of its windows' (as serving scores it). Writes, per
/// epoch, the tuned layers (<see cref="Offline.EncoderWeights"/>), the head and a report with validation and held-out
/// numbers; the last epoch's files are a model folder <c>evaluate --models</c> and the gateway can load.
/// </summary>
internal static class FineTuneCommand
{
    private const int HeadHidden = 64;

    public static int Run(TrainingContext context, FineTuneOptions options)
    {
        try
        {
            torch.set_num_threads(context.Threads);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            Console.Error.WriteLine($"libtorch did not load ({e.GetBaseException().Message}). On Debian 12 run tools/torchsharp-debian12.sh on the build folder (the build does it when it can).");
            return 1;
        }
        torch.manual_seed(context.Seed);
        var started = Stopwatch.StartNew();
        var data = context.LoadData();
        var directory = LabelledData.FindDataDirectory(context.DataDirectory)!;
        var holdOut = options.HoldOut.ToHashSet(StringComparer.Ordinal);
        var families = options.HoldOutFamilies ?? [];
        var rows = FineTuneData.Load(directory, data, context.Seed, holdOut, families, out var heldOut);
        var heldOutNames = string.Join(", ", holdOut.Concat(families.Select(f => f.ToString())));
        if (options.LimitRows > 0)
        {
            rows = [.. rows.OrderBy(r => Hash(r.Id, context.Seed)).Take(options.LimitRows)];
            heldOut = [.. heldOut.OrderBy(r => Hash(r.Id, context.Seed)).Take(options.LimitRows / 4)];
        }
        var fit = rows.Where(r => !r.Validation).ToList();
        var validation = rows.Where(r => r.Validation).ToList();
        Console.WriteLine($"rows: fit {fit.Count} ({fit.Count(r => r.Label == 1)} attacks), validation {validation.Count}, held out {heldOut.Count} ({heldOutNames})");
        foreach (var group in rows.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {group.Key,-16} {group.Count(r => r.Label == 1),5} attacks {group.Count(r => r.Label == 0),5} benign");
        }

        var assets = EncoderAssets.FromPackage("MiniLM");
        EncoderTokenizer tokenizer;
        using (var vocabulary = assets.OpenVocabulary())
        {
            tokenizer = new EncoderTokenizer(vocabulary);
        }
        var marker = options.SourceMarker ? MarkerId(tokenizer) : -1;
        var windowSettings = new WindowSettings();
        var prepared = new Dictionary<string, IReadOnlyList<TokenWindow>>(StringComparer.Ordinal);
        IReadOnlyList<TokenWindow> Windows(TuneRow row)
        {
            if (!prepared.TryGetValue(row.Text, out var windows))
            {
                prepared[row.Text] = windows = OnnxClassifier.Prepare(tokenizer, windowSettings, row.Text).Windows;
            }
            return windows;
        }

        using var encoder = LoadEncoder(assets, options.Layers);
        encoder.TrainEmbeddings(false);
        using var head = Sequential(
            ("hidden", Linear((2 * TorchEncoder.Hidden) + 1, HeadHidden)),
            ("relu", ReLU()),
            ("logit", Linear(HeadHidden, 1)));
        var encoderParameters = encoder.parameters().Where(p => p.requires_grad).ToList();
        using var encoderOptimizer = torch.optim.AdamW(encoderParameters, options.EncoderRate, weight_decay: 0.01);
        using var headOptimizer = torch.optim.AdamW(head.parameters(), options.HeadRate, weight_decay: 0.01);

        var random = new Random(context.Seed);
        var caps = options.Caps ?? new Dictionary<string, int>();
        var samples = Enumerable.Range(0, options.Epochs).Select(_ => Sample(fit, source => caps.GetValueOrDefault(source, options.PerSource), random)).ToList();
        var epochBatches = samples.Select(s => Batches(s, Windows, options)).ToList();
        var totalSteps = epochBatches.Sum(b => b.Count);
        var warmup = Math.Max(1, totalSteps / 20);
        var step = 0;
        Directory.CreateDirectory(options.Output);
        var report = new List<string>();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            encoder.train();
            head.train();
            var batches = epochBatches[epoch];
            // Each class weighs half of the epoch's loss, whatever the sample's mix.
            var positives = samples[epoch].Count(r => r.Label == 1);
            var positiveWeight = (float)(samples[epoch].Count / (2.0 * Math.Max(1, positives)));
            var negativeWeight = (float)(samples[epoch].Count / (2.0 * Math.Max(1, samples[epoch].Count - positives)));
            var epochWatch = Stopwatch.StartNew();
            double lossSum = 0;
            var texts = 0;
            foreach (var batch in batches)
            {
                var rate = step < warmup ? (double)(step + 1) / warmup : Math.Max(0.0, (double)(totalSteps - step) / (totalSteps - warmup));
                SetRate(encoderOptimizer, options.EncoderRate * rate);
                SetRate(headOptimizer, options.HeadRate * rate);
                using var scope = NewDisposeScope();
                var logits = Logits(encoder, head, batch, r => Sample(Windows(r), options.TrainWindows), tokenizer, marker);
                var labels = tensor(batch.Select(r => (float)r.Label).ToArray());
                var weights = tensor(batch.Select(r => r.Label == 1 ? positiveWeight : negativeWeight).ToArray());
                var loss = functional.binary_cross_entropy_with_logits(logits, labels, weights);
                encoderOptimizer.zero_grad();
                headOptimizer.zero_grad();
                loss.backward();
                torch.nn.utils.clip_grad_norm_(encoderParameters, 1.0);
                encoderOptimizer.step();
                headOptimizer.step();
                lossSum += loss.item<float>() * batch.Count;
                texts += batch.Count;
                step++;
                if (step % 25 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch + 1} step {step}/{totalSteps}: loss {lossSum / texts:F4}, {texts / epochWatch.Elapsed.TotalSeconds:F1} texts/s, {GC.GetTotalMemory(false) / 1048576} MB managed, {Environment.WorkingSet / 1048576} MB working set"));
                }
            }
            var epochSeconds = epochWatch.Elapsed.TotalSeconds;

            encoder.eval();
            head.eval();
            var validationScores = Score(encoder, head, validation, Windows, tokenizer, marker);
            var benign = validation.Select((r, i) => (r, i)).Where(p => p.r.Label == 0).Select(p => (double)validationScores[p.i]).ToList();
            var attacks = validation.Select((r, i) => (r, i)).Where(p => p.r.Label == 1).Select(p => (double)validationScores[p.i]).ToList();
            var (recall, threshold) = Metrics.RecallAtFpr(attacks, benign, options.Fpr);
            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture,
                    $"## epoch {epoch + 1}: {texts} texts in {epochSeconds:F0} s ({texts / epochSeconds:F1} texts/s), loss {lossSum / Math.Max(1, texts):F4}, working set {Environment.WorkingSet / 1048576} MB"),
                string.Create(CultureInfo.InvariantCulture,
                    $"validation: ROC AUC {Metrics.RocAuc(attacks, benign):F4}, recall at {options.Fpr:P0} FPR {recall:P1} (threshold {threshold:F4})"),
                "",
                "| source | attacks | recall | benign | flagged |",
                "|---|---:|---:|---:|---:|",
            };
            lines.AddRange(PerSource(validation, validationScores, threshold));
            var keptFamilies = CorpusExample.FamiliesAndKind
                .SelectMany(f => validation.Where(r => r.Generated is not null).Select(r => new FamilyValue(f.Name, f.Key(r.Generated!))))
                .Where(f => f.Value != "none").Distinct().OrderBy(f => f.Family, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal).ToList();
            var keptLines = PerFamily(validation, validationScores, threshold, keptFamilies, alone: false).ToList();
            if (heldOut.Count > 0)
            {
                var heldScores = Score(encoder, head, heldOut, Windows, tokenizer, marker);
                var heldAttacks = heldOut.Select((r, i) => (r, i)).Where(p => p.r.Label == 1).Select(p => (double)heldScores[p.i]).ToList();
                lines.Add("");
                lines.Add("held out (never trained on), at the validation threshold:");
                lines.Add("");
                lines.Add("| source | attacks | recall | benign | flagged |");
                lines.Add("|---|---:|---:|---:|---:|");
                lines.AddRange(PerSource(heldOut, heldScores, threshold));
                if (families.Count > 0)
                {
                    lines.Add("");
                    lines.Add("held-out corpus families, at the validation threshold (alone: rows with no other held-out value):");
                    lines.Add("");
                    lines.AddRange(PerFamily(heldOut, heldScores, threshold, families));
                }
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"held-out attacks, pooled: recall at the validation threshold {heldAttacks.Count(s => s > threshold) / (double)Math.Max(1, heldAttacks.Count):P1}"));
            }
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
            report.AddRange(lines);
            report.Add("");
            report.Add("validation (kept) corpus families, at the validation threshold:");
            report.Add("");
            report.AddRange(keptLines);
            report.Add("");
            var folder = Path.Combine(options.Output, $"epoch-{epoch + 1}");
            Save(folder, encoder, head, threshold, options, context, rows, recall);
        }
        report.Insert(0, string.Create(CultureInfo.InvariantCulture,
            $"# finetune: {options.Layers} layers, {options.Epochs} epochs, {options.PerSource} rows per source and class ({string.Join(", ", caps.Select(c => $"{c.Key} {c.Value}"))}), encoder lr {options.EncoderRate}, head lr {options.HeadRate}, {options.BatchWindows} windows per step{(options.SourceMarker ? ", source marker [unused1] on tool and document text (not served)" : "")}, seed {context.Seed}, {context.Threads} threads; held out: {(heldOutNames.Length == 0 ? "none" : heldOutNames)}; {started.Elapsed.TotalMinutes:F1} min"));
        File.WriteAllLines(Path.Combine(options.Output, "report.md"), report);
        Console.WriteLine($"done in {started.Elapsed.TotalMinutes:F1} min: {options.Output}");
        return 0;
    }

    /// <summary>The id of <c>[unused1]</c>, the source marker.</summary>
    private static long MarkerId(EncoderTokenizer tokenizer)
        => Enumerable.Range(0, 1000).FirstOrDefault(id => tokenizer.Decode(id) == "[unused1]", -1) is var id and >= 0
            ? id
            : throw new InvalidOperationException("The vocabulary has no [unused1] token for the source marker.");

    private static TorchEncoder LoadEncoder(EncoderAssets assets, int layers)
    {
        using var stream = assets.OpenModel();
        return TorchEncoder.FromOnnx(stream, layers);
    }

    private static void SetRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }

    /// <summary>Up to <paramref name="cap"/>(source) rows per source and class, shuffled.</summary>
    private static List<TuneRow> Sample(List<TuneRow> fit, Func<string, int> cap, Random random)
    {
        var sample = new List<TuneRow>();
        foreach (var group in fit.GroupBy(r => (r.Source, r.Label)))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            sample.AddRange(rows.Take(cap(group.Key.Source)));
        }
        var shuffled = sample.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>
    /// Batches of about <see cref="FineTuneOptions.BatchWindows"/> windows, texts of similar length together (sorted within
    /// chunks of the shuffled sample, so padding is small and the order stays random).
    /// </summary>
    private static List<List<TuneRow>> Batches(List<TuneRow> sample, Func<TuneRow, IReadOnlyList<TokenWindow>> windows, FineTuneOptions options)
    {
        var batches = new List<List<TuneRow>>();
        const int Chunk = 512;
        for (var start = 0; start < sample.Count; start += Chunk)
        {
            var chunk = sample.Skip(start).Take(Chunk).OrderBy(r => windows(r)[0].Ids.Length).ThenBy(r => windows(r).Count).ToList();
            var current = new List<TuneRow>();
            var count = 0;
            foreach (var row in chunk)
            {
                var n = Math.Min(windows(row).Count, options.TrainWindows);
                if (count + n > options.BatchWindows && current.Count > 0)
                {
                    batches.Add(current);
                    current = [];
                    count = 0;
                }
                current.Add(row);
                count += n;
            }
            if (current.Count > 0)
            {
                batches.Add(current);
            }
        }
        var array = batches.ToArray();
        new Random(sample.Count).Shuffle(array);
        return [.. array];
    }

    /// <summary>At most <paramref name="limit"/> windows, evenly spaced, first and last included.</summary>
    private static IReadOnlyList<TokenWindow> Sample(IReadOnlyList<TokenWindow> windows, int limit)
    {
        if (windows.Count <= limit)
        {
            return windows;
        }
        return [.. Enumerable.Range(0, limit).Select(i => windows[(int)Math.Round(i * (windows.Count - 1) / (double)(limit - 1))])];
    }

    /// <summary>One logit per text: the highest of its windows' head logits over <c>[e, s·e, s]</c>.</summary>
    private static Tensor Logits(TorchEncoder encoder, Sequential head, IReadOnlyList<TuneRow> rows, Func<TuneRow, IReadOnlyList<TokenWindow>> windows, EncoderTokenizer tokenizer, long marker)
    {
        var all = new List<TokenWindow>();
        var owners = new List<(int Start, int Count, bool Indirect)>();
        foreach (var row in rows)
        {
            var list = windows(row);
            owners.Add((all.Count, list.Count, row.Indirect));
            all.AddRange(list);
        }
        var indirect = owners.SelectMany(o => Enumerable.Repeat(o.Indirect, o.Count)).ToArray();
        var (ids, mask) = marker < 0 ? TokenBatch.Create(all, tokenizer) : TokenBatch.Create(all, tokenizer, row => indirect[row], marker);
        var embeddings = encoder.call(ids, mask);
        var source = tensor(indirect.Select(i => i ? 1f : 0f).ToArray()).unsqueeze(1);
        var features = cat([embeddings, embeddings * source, source], 1);
        var logits = head.call(features).squeeze(1);
        return stack(owners.Select(o => logits.narrow(0, o.Start, o.Count).max()).ToArray());
    }

    /// <summary>Probabilities for every row, all its windows scored (eval mode, no gradients).</summary>
    private static float[] Score(TorchEncoder encoder, Sequential head, List<TuneRow> rows, Func<TuneRow, IReadOnlyList<TokenWindow>> windows, EncoderTokenizer tokenizer, long marker)
    {
        using var _ = no_grad();
        var scores = new float[rows.Count];
        var order = Enumerable.Range(0, rows.Count).OrderBy(i => windows(rows[i])[0].Ids.Length).ToArray();
        var batch = new List<int>();
        var count = 0;
        void Flush()
        {
            if (batch.Count == 0)
            {
                return;
            }
            using var scope = NewDisposeScope();
            var probabilities = Logits(encoder, head, [.. batch.Select(i => rows[i])], windows, tokenizer, marker).sigmoid().data<float>().ToArray();
            for (var j = 0; j < batch.Count; j++)
            {
                scores[batch[j]] = probabilities[j];
            }
            batch.Clear();
            count = 0;
        }
        foreach (var i in order)
        {
            var n = windows(rows[i]).Count;
            if (count + n > 64)
            {
                Flush();
            }
            batch.Add(i);
            count += n;
        }
        Flush();
        return scores;
    }

    private static IEnumerable<string> PerSource(IReadOnlyList<TuneRow> rows, float[] scores, double threshold)
    {
        foreach (var group in rows.Select((r, i) => (r, s: scores[i])).GroupBy(p => p.r.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var attacks = group.Where(p => p.r.Label == 1).ToList();
            var benign = group.Where(p => p.r.Label == 0).ToList();
            string Rate(int hits, int total) => total == 0 ? "–" : ((double)hits / total).ToString("P1", CultureInfo.InvariantCulture);
            yield return $"| {group.Key} | {attacks.Count} | {Rate(attacks.Count(p => p.s > threshold), attacks.Count)} | {benign.Count} | {Rate(benign.Count(p => p.s > threshold), benign.Count)} |";
        }
    }

    /// <summary>
    /// Recall and flagged rate per corpus family value. <paramref name="alone"/>: also the rows that match no other of
    /// <paramref name="families"/>, so a held-out language is not measured on rows that are also a held-out intent.
    /// </summary>
    private static IEnumerable<string> PerFamily(IReadOnlyList<TuneRow> rows, float[] scores, double threshold, IReadOnlyList<FamilyValue> families, bool alone = true)
    {
        string Rate(int hits, int total) => total == 0 ? "–" : ((double)hits / total).ToString("P1", CultureInfo.InvariantCulture);
        yield return alone ? "| family | attacks | recall | alone | recall alone | benign | flagged |" : "| family | attacks | recall | benign | flagged |";
        yield return alone ? "|---|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|";
        foreach (var family in families)
        {
            var matched = rows.Select((r, i) => (r, s: scores[i])).Where(p => p.r.Generated is not null && family.Of(p.r.Generated)).ToList();
            var attacks = matched.Where(p => p.r.Label == 1).ToList();
            var benign = matched.Where(p => p.r.Label == 0).ToList();
            var only = attacks.Where(p => p.r.Matching(families).Count() == 1).ToList();
            yield return alone
                ? $"| {family} | {attacks.Count} | {Rate(attacks.Count(p => p.s > threshold), attacks.Count)} | {only.Count} | {Rate(only.Count(p => p.s > threshold), only.Count)} | {benign.Count} | {Rate(benign.Count(p => p.s > threshold), benign.Count)} |"
                : $"| {family} | {attacks.Count} | {Rate(attacks.Count(p => p.s > threshold), attacks.Count)} | {benign.Count} | {Rate(benign.Count(p => p.s > threshold), benign.Count)} |";
        }
    }

    /// <summary>A model folder: the tuned layers, the head, and a manifest that names both (the student is the current one's).</summary>
    private static void Save(string folder, TorchEncoder encoder, Sequential head, double threshold, FineTuneOptions options, TrainingContext context, IReadOnlyList<TuneRow> rows, double recall)
    {
        Directory.CreateDirectory(folder);
        const string WeightsFile = "tier2-encoder.bin";
        const string HeadFile = "tier2-head.json";
        using (var stream = File.Create(Path.Combine(folder, WeightsFile)))
        {
            encoder.Export().Save(stream);
        }
        var layers = new List<DenseLayer>();
        using (no_grad())
        {
            foreach (var (name, module) in head.named_children())
            {
                if (module is Linear linear)
                {
                    var weight = linear.weight!.contiguous().data<float>().ToArray();
                    var bias = linear.bias!.data<float>().ToArray();
                    layers.Add(new DenseLayer((int)linear.weight.shape[1], (int)linear.weight.shape[0], weight, bias));
                }
            }
        }
        using (var stream = File.Create(Path.Combine(folder, HeadFile)))
        {
            new ClassifierHead(layers, sourceAware: true).Save(stream);
        }

        // Start from the shipped manifest (windows, student) and replace what this run changed.
        ModelManifest current;
        using (var stream = File.OpenRead(Path.Combine(context.ModelsDirectory, "manifest.json")))
        {
            current = ModelManifest.Load(stream);
        }
        var weightsHash = ModelFiles.HashOf(File.ReadAllBytes(Path.Combine(folder, WeightsFile)));
        var manifest = current with
        {
            ModelVersion = $"tier2-minilm-ft{options.Layers}-{weightsHash}",
            Head = HeadFile,
            HeadKind = $"mlp-{HeadHidden}+source, encoder fine-tuned ({options.Layers} layers)",
            Threshold = threshold,
            EncoderWeights = new EncoderWeightsManifest(WeightsFile, options.Layers),
            Seed = context.Seed,
            Data = [.. rows.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new DataFileManifest("finetune:" + g.Key, "fine-tuning, fit and validation rows", g.Count()))],
            Metrics = new Dictionary<string, double> { ["validation.recallAt1PctFpr"] = Math.Round(recall, 4) },
            Recipe = [TrainingCli.CommandLine()],
        };
        using (var stream = File.Create(Path.Combine(folder, "manifest.json")))
        {
            manifest.Save(stream);
        }
        var student = Path.Combine(context.ModelsDirectory, current.Student?.File ?? "tier2-student.bin");
        if (File.Exists(student))
        {
            File.Copy(student, Path.Combine(folder, Path.GetFileName(student)), overwrite: true);
        }
    }

    private static int Hash(string id, int seed)
        => BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + ":" + id))) & int.MaxValue;
}
