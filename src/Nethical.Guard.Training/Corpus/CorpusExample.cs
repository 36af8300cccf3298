using Nethical.Guard.Extraction;

namespace Nethical.Guard.Training.Corpus;

/// <summary>
/// One generated text with its label and the families it was composed from, so evaluation can be reported per family
/// and a family can be held out. <see cref="Source"/> is where the text would sit in a request: <c>user</c>,
/// <c>tool</c> or <c>document</c>.
/// </summary>
internal sealed record CorpusExample(
    string Id,
    string Text,
    int Label,
    string Source,
    string Intent,
    string Framing,
    string Carrier,
    string Language,
    string Obfuscation,
    string Kind)
{
    /// <summary>The generator families a text is composed from, in report order, and how to read each off an example.</summary>
    public static IReadOnlyList<(string Name, Func<CorpusExample, string> Key)> Families { get; } =
    [
        ("intent", e => e.Intent), ("framing", e => e.Framing), ("carrier", e => e.Carrier),
        ("language", e => e.Language), ("obfuscation", e => e.Obfuscation),
    ];

    /// <summary>The families and the benign/attack kind, for reports that cover both sides.</summary>
    public static IReadOnlyList<(string Name, Func<CorpusExample, string> Key)> FamiliesAndKind { get; } = [.. Families, ("kind", e => e.Kind)];

    /// <summary>The segment this text would be in a request.</summary>
    public SegmentSource SegmentSource => Source switch
    {
        "tool" => SegmentSource.Tool,
        "document" => SegmentSource.Document,
        _ => SegmentSource.User,
    };
}
