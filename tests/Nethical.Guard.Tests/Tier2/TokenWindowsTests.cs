using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class TokenWindowsTests
{
    [Fact]
    public void Split_ShortSequence_OneWindow()
    {
        var windows = new List<TokenWindow>();

        var complete = TokenWindows.Split(Enumerable.Range(0, 10).ToArray(), 126, 94, 256, windows);

        Assert.True(complete);
        Assert.Single(windows);
        Assert.Equal(10, windows[0].Ids.Length);
    }

    [Fact]
    public void Split_LongSequence_CoversEveryTokenWithOverlapAndEndsOnTheTail()
    {
        var ids = Enumerable.Range(0, 1000).ToArray();
        var windows = new List<TokenWindow>();

        var complete = TokenWindows.Split(ids, 126, 94, 256, windows);

        Assert.True(complete);
        Assert.All(windows, w => Assert.Equal(126, w.Ids.Length));
        Assert.Equal(0, windows[0].Ids.Span[0]);
        Assert.Equal(999, windows[^1].Ids.Span[^1]);
        var covered = windows.SelectMany(w => w.Ids.ToArray()).ToHashSet();
        Assert.Equal(1000, covered.Count);
        // Any run of up to (126 - 94) + 1 = 33 tokens lies whole inside some window.
        for (var start = 0; start + 33 <= 1000; start++)
        {
            Assert.Contains(windows, w => w.Ids.Span[0] <= start && w.Ids.Span[^1] >= start + 32);
        }
    }

    [Fact]
    public void Split_TooManyWindows_ReportsTruncation()
    {
        var windows = new List<TokenWindow>();

        var complete = TokenWindows.Split(Enumerable.Range(0, 10_000).ToArray(), 126, 94, 8, windows);

        Assert.False(complete);
        Assert.Equal(8, windows.Count);
    }
}
