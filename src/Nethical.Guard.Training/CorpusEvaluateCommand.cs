using System.Globalization;
using System.Text;
using Nethical.Guard.Extraction;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>evaluate-corpus</c>: the shipped tiers on the generated corpus, reported per generator family (intent, framing,
/// carrier, language, obfuscation, and the benign kinds), never only pooled. Each text is screened as the segment it
/// would be (user, tool or document), so the gate routes it as it would in a request. Recall and false-positive rate
/// are at each tier's operating point (0.5), whose thresholds were chosen on benign data only.
/// </summary>
internal static class CorpusEvaluateCommand
{
    public static int Run(TrainingContext context, string variant, string? output)
    {
        var files = ModelFiles.Load(context.ModelsDirectory);
        var corpus = CorpusGenerator.Generate(context.Seed);
        using var model = context.CreateClassifier(files, variant);
        using var store = context.CreateStore(model, files.EncoderKey, variant);
        var rows = corpus.Select(e => new Example(e.Id, e.Text, e.Label, "corpus")).ToList();
        var sources = corpus.Select(e => e.SegmentSource).ToList();
        var scored = EvaluateCommand.Score(context, rows, files, model, store, sources);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"model {files.Manifest.ModelVersion} ({variant}); corpus seed {context.Seed}: {corpus.Count} texts, {corpus.Count(e => e.Label == 1)} attacks");
        foreach (var (family, key) in CorpusExample.FamiliesAndKind)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"#### by {family}");
            report.AppendLine();
            report.AppendLine("| value | attacks | tier 1 recall | tier 2 recall | student recall | combined recall | benign | tier 1 FPR | tier 2 FPR | combined FPR |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var group in Enumerable.Range(0, corpus.Count).GroupBy(i => key(corpus[i])).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var attacks = group.Where(i => corpus[i].Label == 1).Select(i => scored[i]).ToList();
                var benign = group.Where(i => corpus[i].Label == 0).Select(i => scored[i]).ToList();
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {group.Key} | {attacks.Count} | {Rate(attacks, s => s.Tier1)} | {Rate(attacks, s => s.Tier2)} | {Rate(attacks, s => s.Student)} | {Rate(attacks, s => s.Combined)} | {benign.Count} | {Rate(benign, s => s.Tier1)} | {Rate(benign, s => s.Tier2)} | {Rate(benign, s => s.Combined)} |");
            }
        }

        Console.WriteLine(report);
        if (output is not null)
        {
            File.WriteAllText(output, report.ToString());
        }
        return 0;
    }

    private static string Rate(List<EvaluateCommand.Scored> rows, Func<EvaluateCommand.Scored, double> score)
        => rows.Count == 0 ? "–" : ((double)rows.Count(r => score(r) >= 0.5) / rows.Count).ToString("P1", CultureInfo.InvariantCulture);
}
