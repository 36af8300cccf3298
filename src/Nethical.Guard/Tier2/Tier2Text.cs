using Nethical.Guard.Extraction;

namespace Nethical.Guard.Tier2;

/// <summary>
/// One normalised text the gate sends to tier 2, and whether it came from an indirect source (a tool result or a
/// document) rather than a user, system or assistant turn. A source-aware model scores the two differently, so the
/// source is part of what is cached and coalesced.
/// </summary>
internal readonly record struct Tier2Text(string Text, bool Indirect)
{
    /// <summary>A text from a user, system or assistant turn.</summary>
    public static implicit operator Tier2Text(string text) => new(text, Indirect: false);

    /// <summary>Whether text from <paramref name="source"/> is indirect.</summary>
    public static bool IsIndirect(SegmentSource source) => source is SegmentSource.Tool or SegmentSource.Document;
}
