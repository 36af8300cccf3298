using System.Globalization;
using System.Text.Json;
using Nethical.Guard.Training.Corpus;

namespace Nethical.Guard.Training;

/// <summary>
/// <c>generate</c>: the seeded attack and hard-negative corpus (intents × framings × carriers × languages ×
/// obfuscations) to a JSON-lines file under <c>artifacts/</c> (not committed: the generator is), with counts per family.
/// </summary>
internal static class GenerateCommand
{
    // Readable in every script: the corpus is for people to inspect as much as for training.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(TrainingContext context, string? output)
    {
        var examples = CorpusGenerator.Generate(context.Seed);
        output ??= Path.Combine(context.ArtifactsDirectory, "corpus", "corpus.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using (var writer = new StreamWriter(output))
        {
            foreach (var example in examples)
            {
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["id"] = example.Id,
                    ["text"] = example.Text,
                    ["label"] = example.Label,
                    ["source"] = example.Source,
                    ["intent"] = example.Intent,
                    ["framing"] = example.Framing,
                    ["carrier"] = example.Carrier,
                    ["language"] = example.Language,
                    ["obfuscation"] = example.Obfuscation,
                    ["kind"] = example.Kind,
                }, s_json));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {examples.Count} examples ({examples.Count(e => e.Label == 1)} attacks, {examples.Count(e => e.Label == 0)} benign) to {output}"));
        foreach (var (family, key) in new (string, Func<CorpusExample, string>)[]
        {
            ("kind", e => e.Kind), ("source", e => e.Source), ("intent", e => e.Intent), ("framing", e => e.Framing),
            ("carrier", e => e.Carrier), ("language", e => e.Language), ("obfuscation", e => e.Obfuscation),
        })
        {
            var counts = examples.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count(e => e.Label == 1)}/{g.Count(e => e.Label == 0)}"));
            Console.WriteLine($"  {family} (attack/benign): {string.Join(", ", counts)}");
        }
        return 0;
    }
}
