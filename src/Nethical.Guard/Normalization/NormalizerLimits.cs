namespace Nethical.Guard.Normalization;

/// <summary>Bounds on the work <see cref="TextNormalizer"/> does to decode embedded runs, per request.</summary>
/// <param name="MaxDerivedSegments">Most derived segments (decoded runs and letter-spacing variants) appended per call.</param>
/// <param name="MaxDecodedBytes">Most decoded bytes kept per call, summed over all decoded runs; a longer run is decoded as a prefix.</param>
/// <param name="MaxDepth">Decoding levels: 1 decodes runs in the original text, 2 also decodes runs inside decoded text.</param>
/// <param name="MinRunLength">Shortest base64 or contiguous hex run considered, in characters.</param>
internal sealed record NormalizerLimits(
    int MaxDerivedSegments = 64,
    int MaxDecodedBytes = 256 * 1024,
    int MaxDepth = 2,
    int MinRunLength = 16)
{
    public static readonly NormalizerLimits Default = new();
}

/// <summary>The <see cref="Extraction.PromptSegment.Encoding"/> values of derived segments.</summary>
internal static class DerivedEncodings
{
    public const string Base64 = "base64";
    public const string Hex = "hex";
    public const string Percent = "percent";

    /// <summary>ASCII hidden as invisible Unicode tag characters (U+E0020-U+E007E).</summary>
    public const string UnicodeTags = "unicode-tags";

    /// <summary>
    /// Not an encoding: an empty marker segment saying the request's decoding allowance ran out, so encoded runs past it
    /// were not decoded. Detectors treat it as a reason of its own: decoys must not hide the run that matters.
    /// </summary>
    public const string DecodeBudgetExhausted = "decode-budget-exhausted";

    /// <summary>Not an encoding: the text with letter-spaced runs ("i g n o r e") joined back into words.</summary>
    public const string LetterSpacing = "letter-spacing";

    /// <summary>Not an encoding: the text with ROT13 undone, derived when the text names ROT13.</summary>
    public const string Rot13 = "rot13";

    /// <summary>Not an encoding: the text with leetspeak digits read as the letters they stand for.</summary>
    public const string Leetspeak = "leetspeak";
}
