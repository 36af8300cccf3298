using System.Globalization;

namespace Nethical.Guard.Training.Corpus;

/// <summary>
/// Composes attacks from intents × framings × carriers × languages × obfuscations, and benign text from the same
/// vocabulary: ordinary requests, hard negatives (everyday "ignore / forget / pretend", security discussion, prompt
/// authoring, role-play requests), every carrier without a payload, and <see cref="HardNegatives"/> by category. Seeded and deterministic: the same seed gives
/// the same corpus, in the same order.
/// </summary>
internal static class CorpusGenerator
{
    private static readonly string[] s_urls = ["https://collect.evil.example/c", "http://203.0.113.9/x", "https://img-cdn.attacker.example/p.png"];
    private static readonly string[] s_tools = ["send_email", "delete_records", "http_request", "execute_sql", "file_write"];

    public static List<CorpusExample> Generate(int seed)
    {
        var random = new Random(seed);
        var examples = new List<CorpusExample>();
        var obfuscationCursor = 0;

        void Add(string text, int label, string source, string intent, string framing, string carrier, string language, string obfuscation, string kind)
            => examples.Add(new CorpusExample(
                "gen-" + examples.Count.ToString("D6", CultureInfo.InvariantCulture), text, label, source, intent, framing, carrier, language, obfuscation, kind));

        foreach (var language in PhraseBank.Languages)
        {
            foreach (var intent in PhraseBank.IntentNames)
            {
                foreach (var template in language.Intents[intent])
                {
                    var payload = template
                        .Replace("{url}", s_urls[random.Next(s_urls.Length)], StringComparison.Ordinal)
                        .Replace("{tool}", s_tools[random.Next(s_tools.Length)], StringComparison.Ordinal);

                    // Direct messages in every framing.
                    foreach (var framing in PhraseBank.StructuralFramings.Concat(PhraseBank.WordedFramings))
                    {
                        Add(PhraseBank.Frame(framing, payload, language), 1, "user", intent, framing, "none", language.Code, "none", "attack");
                    }

                    // Two obfuscated copies per template, cycling through the transforms so every language meets each.
                    for (var copy = 0; copy < 2; copy++)
                    {
                        var obfuscation = Obfuscations.Names[1 + (obfuscationCursor++ % (Obfuscations.Names.Count - 1))];
                        var encoded = Obfuscations.Wrap(obfuscation, Obfuscations.Apply(obfuscation, payload, random));
                        Add(encoded, 1, "user", intent, "direct", "none", language.Code, obfuscation, "attack");
                    }

                    // Indirect: the payload inside each carrier, at a random position, sometimes framed.
                    foreach (var carrier in Carriers.Names)
                    {
                        var position = Carriers.Positions[random.Next(Carriers.Positions.Count)];
                        var framing = random.Next(3) switch { 0 => "authority", 1 => "chatml_spoof", _ => "direct" };
                        var framed = PhraseBank.Frame(framing, payload, language);
                        Add(Carriers.Render(carrier, framed, position, random), 1, Carriers.SourceOf(carrier), intent, framing, carrier, language.Code, "none", "attack");
                    }
                }
            }

            // Benign requests and hard negatives, plain, politely framed and inside few-shot examples.
            foreach (var (texts, kind) in new[] { (language.Benign, "benign"), (language.HardNegatives, "hard_negative") })
            {
                foreach (var text in texts)
                {
                    Add(text, 0, "user", "none", "direct", "none", language.Code, "none", kind);
                    Add(PhraseBank.Frame("polite", text, language), 0, "user", "none", "polite", "none", language.Code, "none", kind);
                    Add(PhraseBank.Frame("many_shot", text, language), 0, "user", "none", "many_shot", "none", language.Code, "none", kind);
                }

                // The same benign sentences inside documents and tool results: a foreign sentence is not an attack.
                foreach (var text in texts)
                {
                    var carrier = Carriers.Names[random.Next(Carriers.Names.Count)];
                    var position = Carriers.Positions[random.Next(Carriers.Positions.Count)];
                    Add(Carriers.Render(carrier, text, position, random), 0, Carriers.SourceOf(carrier), "none", "direct", carrier, language.Code, "none", kind);
                }
            }
        }

        // Every carrier without a payload, in many arrangements.
        foreach (var carrier in Carriers.Names)
        {
            for (var variant = 0; variant < 30; variant++)
            {
                Add(Carriers.Render(carrier, null, "middle", random), 0, Carriers.SourceOf(carrier), "none", "none", carrier, "en", "none", "carrier_clean");
            }
        }

        // Hard negatives by category in every language: plain, politely framed and inside a carrier. Their own random
        // stream, so the texts above do not change when these do.
        var hardRandom = new Random(unchecked(seed * 31 + 7));
        foreach (var language in PhraseBank.Languages)
        {
            foreach (var (category, text) in HardNegatives.For(language.Code))
            {
                var kind = "hn_" + category;
                Add(text, 0, "user", "none", "direct", "none", language.Code, "none", kind);
                Add(PhraseBank.Frame("polite", text, language), 0, "user", "none", "polite", "none", language.Code, "none", kind);
                var carrier = Carriers.Names[hardRandom.Next(Carriers.Names.Count)];
                var position = Carriers.Positions[hardRandom.Next(Carriers.Positions.Count)];
                Add(Carriers.Render(carrier, text, position, hardRandom), 0, Carriers.SourceOf(carrier), "none", "direct", carrier, language.Code, "none", kind);
            }
        }

        return examples;
    }
}
