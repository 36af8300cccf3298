namespace Nethical.Guard.Tier2;

/// <summary>One encoder input: a slice of a prompt's word-piece ids (without [CLS]/[SEP]).</summary>
public readonly record struct TokenWindow(ReadOnlyMemory<int> Ids);
