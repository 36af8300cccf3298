namespace Nethical.Guard.Tier2;

/// <summary>A text cut into encoder windows, ready to score.</summary>
/// <param name="Windows">At least one window (an empty text is one empty window).</param>
/// <param name="Truncated">True when the text had more windows than allowed and its end was not scored.</param>
/// <param name="Tokens">Word-piece count of the whole text.</param>
/// <param name="Indirect">The text came from a tool result or a document (a source-aware head scores it as such).</param>
public sealed record PreparedText(IReadOnlyList<TokenWindow> Windows, bool Truncated, int Tokens, bool Indirect = false);
