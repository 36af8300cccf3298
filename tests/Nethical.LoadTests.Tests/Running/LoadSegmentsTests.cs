using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Tests.Running;

public sealed class LoadSegmentsTests
{
    [Fact]
    public void Segments_WarmupAndThreeSteps_WarmupUnmeasuredThenRisingRates()
    {
        var settings = new LoadSettings { Rate = 100, Steps = 3, StepDuration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(1) };

        var segments = LoadRunner.Segments(settings).ToList();

        Assert.Equal(4, segments.Count);
        Assert.False(segments[0].Measured);
        Assert.Equal([100.0, 100.0, 200.0, 300.0], segments.Select(static s => s.Rate));
        Assert.Equal(TimeSpan.FromSeconds(7), segments[^1].End);
        Assert.Equal(TimeSpan.FromSeconds(6), settings.MeasuredDuration);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("10s", 10)]
    [InlineData("2m", 120)]
    [InlineData("3", 3)]
    public void Parse_Duration_Seconds(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Duration.Parse(text));
}
