namespace Nethical.Guard.Extraction;

/// <summary>Where a piece of prompt text came from. Indirect injections hide in <see cref="Tool"/> and <see cref="Document"/>.</summary>
public enum SegmentSource
{
    System,
    User,
    Assistant,
    Tool,
    Document,
}

/// <summary>
/// One piece of text the model will read, with the role it was sent under and where it came from.
/// </summary>
/// <param name="Text">The text as sent (before normalisation).</param>
/// <param name="Source">The source class used by policy and detectors.</param>
/// <param name="Role">The provider's own role name (<c>developer</c>, <c>function</c>, <c>model</c>, ...).</param>
/// <param name="Path">Where in the body the text was found (<c>messages[2].content[0].text</c>); never contains prompt text.</param>
/// <param name="Encoding">For a derived segment, the obfuscation it was recovered from (<c>base64</c>, <c>hex</c>, <c>percent</c>, <c>unicode-tags</c>, <c>letter-spacing</c>); otherwise null.</param>
public readonly record struct PromptSegment(string Text, SegmentSource Source, string Role, string Path, string? Encoding = null)
{
    /// <summary>True when the segment was decoded out of another segment.</summary>
    public bool IsDerived => Encoding is not null;
}
