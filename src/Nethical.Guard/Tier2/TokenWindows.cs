namespace Nethical.Guard.Tier2;

/// <summary>
/// Cuts a long token sequence into overlapping windows: the head, sliding windows over the middle and the tail,
/// so an injection anywhere in a 20,000-token document is inside at least one window whole (when it is no longer
/// than the overlap) and is scored; the prompt's score is the highest window's.
/// </summary>
internal static class TokenWindows
{
    /// <summary>Appends the windows of <paramref name="ids"/>. Returns false when <paramref name="maxWindows"/> cut it short.</summary>
    public static bool Split(ReadOnlyMemory<int> ids, int windowTokens, int stride, int maxWindows, List<TokenWindow> windows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stride, windowTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindows, 1);
        ArgumentNullException.ThrowIfNull(windows);

        var length = ids.Length;
        if (length <= windowTokens)
        {
            windows.Add(new TokenWindow(ids));
            return true;
        }

        var count = 0;
        var start = 0;
        while (true)
        {
            if (count == maxWindows)
            {
                return false;
            }
            if (start + windowTokens >= length)
            {
                // The tail window, aligned to the end so it is full length.
                windows.Add(new TokenWindow(ids.Slice(length - windowTokens, windowTokens)));
                return true;
            }
            windows.Add(new TokenWindow(ids.Slice(start, windowTokens)));
            count++;
            start += stride;
        }
    }
}
