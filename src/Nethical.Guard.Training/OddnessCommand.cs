using System.Globalization;
using System.Text;
using Nethical.Guard.Detectors.Oddness;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>oddness</c>: the adversarial-suffix signal measured before anything uses it. Positives: the corpus's
/// suffix-appended attacks. Negatives, each reported on its own: code (humaneval), URLs, base64 in benign use,
/// non-Latin benign text (the corpus), and every benign file in the shared data. Reported: the share of each set at or
/// above several thresholds, and each negative set's 99th percentile.
/// </summary>
internal static class OddnessCommand
{
    public static int Run(TrainingContext context)
    {
        var random = new Random(context.Seed);
        var corpus = CorpusGenerator.Generate(context.Seed);
        var sets = new List<(string Name, bool Attack, List<string> Texts)>
        {
            ("adversarial suffixes (corpus)", true, corpus.Where(e => e.Obfuscation == "adversarial_suffix").Select(e => e.Text).ToList()),
            ("same payloads without suffix", false, corpus.Where(e => e.Label == 1 && e.Obfuscation == "none" && e.Carrier == "none" && e.Framing == "direct").Select(e => e.Text).ToList()),
            ("non-Latin benign (corpus)", false, corpus.Where(e => e.Label == 0 && e.Language is "ru" or "zh" or "ja" or "ar" or "hi").Select(e => e.Text).ToList()),
            ("URLs in prose", false, Urls(random)),
            ("base64 attachments in prose", false, Base64(random)),
        };

        var directory = LabelledData.FindDataDirectory(context.Get("data"));
        if (directory is not null)
        {
            var data = LabelledData.Load(directory);
            foreach (var set in data.Training.Concat(data.HeldBack).Where(s => s.Rows.All(r => r.Label == 0)))
            {
                sets.Add((set.Name, false, set.Rows.Select(r => r.Text).ToList()));
            }
        }
        else
        {
            Console.WriteLine("(no shared data folder: the benign files are not measured)");
        }

        double[] thresholds = [0.3, 0.5, 0.7];
        var report = new StringBuilder();
        report.AppendLine("| set | texts | ≥ 0.3 | ≥ 0.5 | ≥ 0.7 | 99th percentile |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, _, texts) in sets)
        {
            var scores = texts.Select(t => SuffixOddness.Score(t).Score).Order().ToList();
            var cells = thresholds.Select(t => ((double)scores.Count(s => s >= t) / Math.Max(1, scores.Count)).ToString("P1", CultureInfo.InvariantCulture));
            var p99 = scores.Count == 0 ? 0 : scores[Math.Min(scores.Count - 1, (int)(0.99 * scores.Count))];
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {scores.Count} | {string.Join(" | ", cells)} | {p99:F3} |");
        }
        Console.WriteLine(report);
        return 0;
    }

    private static List<string> Urls(Random random)
    {
        string[] hosts = ["docs.github.com", "learn.microsoft.com", "example.org", "maps.google.com", "s3.eu-west-1.amazonaws.com"];
        var list = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var query = $"?utm_source=newsletter&id={random.Next(100000)}&ref=Q{random.Next(9)}x_{random.Next(99)}#section-{random.Next(20)}";
            list.Add($"See https://{hosts[random.Next(hosts.Length)]}/en-US/dotnet/api/System.Text.Json.JsonSerializer.Deserialize{query} for the details, and https://example.org/a/b/c.html?x=1&y=[2] too.");
        }
        return list;
    }

    private static List<string> Base64(Random random)
    {
        var list = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[48 + random.Next(200)];
            random.NextBytes(bytes);
            list.Add($"Here is the certificate you asked for: {Convert.ToBase64String(bytes)} — let me know if it works.");
        }
        return list;
    }
}
