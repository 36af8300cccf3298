using System.Text.Json;

namespace Nethical.LoadTests.Scenarios;

/// <summary>
/// Benign user prompts from the project's shared data (<c>../shared/data</c>: JSONL, a <c>text</c> field, <c>label</c>
/// 0 = benign), read where they lie and never copied into the repository. The realistic mix takes its user turns from
/// them when they are there.
/// </summary>
internal sealed record PromptData(string Directory, IReadOnlyList<string> Files, IReadOnlyList<string> Prompts)
{
    /// <summary>Chat questions and instructions: what users type, without attacks.</summary>
    private static readonly string[] s_files = ["benign-mtbench-vicuna/benign.jsonl", "benign-self-instruct/benign.jsonl"];

    /// <summary>The prompts under <paramref name="directory"/>; null when it is missing or holds none of the files.</summary>
    public static PromptData? Load(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory) || !System.IO.Directory.Exists(directory))
        {
            return null;
        }

        var files = new List<string>();
        var prompts = new List<string>();
        foreach (var file in s_files)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                continue;
            }

            files.Add(file);
            foreach (var line in File.ReadLines(path))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.Number && label.GetInt32() == 0
                    && root.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } prompt)
                {
                    prompts.Add(prompt);
                }
            }
        }

        return prompts.Count == 0 ? null : new PromptData(Path.GetFullPath(directory), files, prompts);
    }

    /// <summary>For the report: where the user turns come from.</summary>
    public static string Describe(PromptData? data) => data is null
        ? "generated words"
        : $"{data.Prompts.Count} benign prompts from {data.Directory} ({string.Join(", ", data.Files)}), concatenated to each turn's length";
}
