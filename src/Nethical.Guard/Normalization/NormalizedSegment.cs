using Nethical.Guard.Extraction;

namespace Nethical.Guard.Normalization;

/// <summary>A segment's text after normalisation, ready for the detectors.</summary>
/// <param name="Segment">The segment as extracted (or derived by decoding an encoded run).</param>
/// <param name="Text">NFKC, controls removed, homoglyphs folded, whitespace collapsed, lower case.</param>
internal readonly record struct NormalizedSegment(PromptSegment Segment, string Text);
