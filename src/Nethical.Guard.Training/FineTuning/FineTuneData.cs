using Nethical.Guard.Normalization;
using Nethical.Guard.Tier2;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>One fine-tuning row: the normalised text as tier 2 reads it, its label, source and where it came from.</summary>
internal sealed record TuneRow(string Id, string Text, int Label, bool Indirect, string Source, bool Validation, CorpusExample? Generated = null)
{
    /// <summary>The held-out corpus families this row belongs to (none for shared rows).</summary>
    public IEnumerable<FamilyValue> Matching(IReadOnlyCollection<FamilyValue> families)
        => Generated is null ? [] : families.Where(f => f.Of(Generated));
}

/// <summary>One value of one corpus family (<c>language=ru</c>, <c>intent=persona</c>), for <c>--hold-out-family</c>.</summary>
internal sealed record FamilyValue(string Family, string Value)
{
    public bool Of(CorpusExample example) => CorpusExample.FamiliesAndKind.First(f => f.Name == Family).Key(example) == Value;

    public override string ToString() => $"{Family}={Value}";

    /// <summary>Reads <c>FAMILY=VALUE</c>; null when the family is unknown or the form is wrong.</summary>
    public static FamilyValue? Parse(string text)
    {
        var parts = text.Split('=');
        return parts.Length == 2 && CorpusExample.Families.Any(f => f.Name == parts[0]) && parts[1].Length > 0 && parts[1] != "none"
            ? new FamilyValue(parts[0], parts[1])
            : null;
    }
}

/// <summary>
/// What the encoder is fine-tuned on: the shared training side and the generated corpus as <c>train</c> uses them, plus
/// the wider shared folders: tool and agent injections (InjecAgent, AgentDojo), the technique catalogue (Arcanum's
/// strong examples; its weak "intents" are innocuous probes and stay out), generated hijacks and leaks (PromptInject),
/// and the training halves of the role-play, system-prompt, security-writing and multilingual benign folders (their
/// other halves are held out, as for the student). Dev-test splits and the corpus's test partition are never read.
/// Rows are deduplicated by normalised text; a fifth of each source validates (by a seeded hash of the id).
/// </summary>
internal static class FineTuneData
{
    /// <summary>Every source name, for <c>--hold-out</c>.</summary>
    public static readonly IReadOnlyList<string> Sources =
    [
        "deepset", "jackhhao", "self-instruct", "mtbench", "humaneval", "gsm8k", "corpus",
        "injecagent", "agentdojo", "arcanum", "promptinject", "awesome-chatgpt", "fabric", "owasp", "xquad",
    ];

    /// <param name="directory">The shared data folder.</param>
    /// <param name="data">The shared training and benign splits, as <c>train</c> reads them.</param>
    /// <param name="seed">Seeds the corpus and the validation fifth.</param>
    /// <param name="holdOut">Sources left out of training (fit and validation) and returned in <paramref name="heldOut"/>.</param>
    /// <param name="holdOutFamilies">Corpus family values left out the same way: every generated row with one of them.</param>
    /// <param name="heldOut">The rows left out, to report on.</param>
    public static List<TuneRow> Load(
        string directory, LabelledData data, int seed, IReadOnlySet<string> holdOut, IReadOnlyCollection<FamilyValue> holdOutFamilies, out List<TuneRow> heldOut)
    {
        var normalizer = new TextNormalizer();
        var rows = new List<TuneRow>();
        heldOut = [];
        var held = heldOut;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Add(string source, string id, string text, int label, bool indirect, bool? validation = null, CorpusExample? generated = null)
        {
            var normalized = normalizer.Normalize(text);
            if (normalized.Length == 0 || !seen.Add(normalized))
            {
                return;
            }
            var row = new TuneRow(id, normalized, label, indirect, source, validation ?? TrainingSplit.IsValidation(id, seed), generated);
            (holdOut.Contains(source) || row.Matching(holdOutFamilies).Any() ? held : rows).Add(row);
        }

        string SharedName(string dataSet) => dataSet.Split(' ')[0] switch
        {
            "mtbench-vicuna" => "mtbench",
            var name => name,
        };
        foreach (var set in data.Training)
        {
            foreach (var row in set.Rows)
            {
                Add(SharedName(set.Name), row.Id, row.Text, row.Label, indirect: false);
            }
        }
        foreach (var example in CorpusGenerator.Generate(seed))
        {
            var split = CorpusPartition.Of(example.Text, seed);
            if (split != CorpusSplit.Test)
            {
                Add("corpus", example.Id, example.Text, example.Label, Tier2Text.IsIndirect(example.SegmentSource), split == CorpusSplit.Validation, example);
            }
        }
        foreach (var row in Read(directory, "injecagent-tool-injections/train.jsonl"))
        {
            Add("injecagent", row.Id, row.Text, row.Label, row.Kind == "tool");
        }
        foreach (var row in Read(directory, "agentdojo-injections/train.jsonl"))
        {
            // The attack strings alone are what an environment carries: read them as tool text.
            Add("agentdojo", row.Id, row.Text, row.Label, row.Kind is "tool" or "injection_text");
        }
        foreach (var row in Read(directory, "arcanum-pi-taxonomy/attacks.jsonl"))
        {
            Add("arcanum", row.Id, row.Text, row.Label, indirect: false);
        }
        foreach (var row in Read(directory, "promptinject-generated/train.jsonl"))
        {
            Add("promptinject", row.Id, row.Text, row.Label, indirect: false);
        }
        foreach (var split in data.StudentBenign)
        {
            var source = split.Name.Split(' ')[0] switch
            {
                "awesome-chatgpt-prompts" => "awesome-chatgpt",
                "fabric-system-prompts" => "fabric",
                "owasp-llm-top10" => "owasp",
                "xquad-multilingual" => "xquad",
                var other => other,
            };
            foreach (var row in split.Train)
            {
                Add(source, row.Id, row.Text, row.Label, indirect: false);
            }
        }
        return rows;
    }

    private sealed record RawRow(string Id, string Text, int Label, string? Kind);

    private static IEnumerable<RawRow> Read(string directory, string relative)
    {
        var path = Path.Combine(directory, relative);
        return File.Exists(path)
            ? LabelledData.ReadRows(path, (root, _) => new RawRow(
                root.GetProperty("id").GetString() ?? "",
                root.GetProperty("text").GetString() ?? "",
                root.GetProperty("label").GetInt32(),
                root.TryGetProperty("source_kind", out var kind) ? kind.GetString() : null))
            : [];
    }
}
