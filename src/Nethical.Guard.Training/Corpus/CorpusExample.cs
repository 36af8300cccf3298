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
    string Kind);
