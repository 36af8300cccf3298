using Nethical.Guard.Extraction;
using Nethical.Guard.Policy;
using Nethical.Guard.Screening;

namespace Nethical.Guard.Tests.Screening;

public sealed class TierGateTests
{
    private static readonly GateThresholds Thresholds = new(0.9, 0.15, 0.02);

    [Fact]
    public void Tier1Confident_DecidesAlone()
    {
        Assert.True(TierGate.Tier1Decides(Tier2Mode.Uncertain, 0.95, Thresholds));
        Assert.False(TierGate.Tier1Decides(Tier2Mode.All, 0.95, Thresholds));
        Assert.True(TierGate.Tier1Decides(Tier2Mode.Off, 0.0, Thresholds));
    }

    [Theory]
    [InlineData(SegmentSource.User, 0.0, 0.01f, false)]   // no signal anywhere: skip
    [InlineData(SegmentSource.User, 0.0, 0.5f, true)]     // the student is unsure
    [InlineData(SegmentSource.User, 0.3, 0.01f, true)]    // tier 1 is unsure
    [InlineData(SegmentSource.Tool, 0.0, 0.01f, true)]    // tool output: always
    [InlineData(SegmentSource.Document, 0.0, 0.01f, true)] // documents: always
    public void NeedsTier2_Uncertain_RoutesByBandAndSource(SegmentSource source, double tier1, float student, bool expected)
        => Assert.Equal(expected, TierGate.NeedsTier2(Tier2Mode.Uncertain, tier1, source, student, Thresholds));

    [Fact]
    public void NeedsTier2_OddTail_OverridesTheStudentsClearButNotTier1Confidence()
    {
        Assert.True(TierGate.NeedsTier2(Tier2Mode.Uncertain, 0.0, SegmentSource.User, 0.001f, Thresholds, oddTail: true));
        Assert.False(TierGate.NeedsTier2(Tier2Mode.Uncertain, 0.95, SegmentSource.User, 0.001f, Thresholds, oddTail: true));
        Assert.False(TierGate.NeedsTier2(Tier2Mode.Off, 0.0, SegmentSource.User, 0.001f, Thresholds, oddTail: true));
    }

    [Fact]
    public void NeedsTier2_NoStudent_SendsEverythingUndecided()
        => Assert.True(TierGate.NeedsTier2(Tier2Mode.Uncertain, 0.0, SegmentSource.User, null, Thresholds with { StudentPassBelow = null }));

    [Fact]
    public void NeedsTier2_All_SendsEvenConfidentTier1()
        => Assert.True(TierGate.NeedsTier2(Tier2Mode.All, 0.99, SegmentSource.System, 0f, Thresholds));

    [Fact]
    public void Combine_TakesTheHigherScore()
    {
        Assert.Equal(0.7, TierGate.Combine(0.2, 0.7));
        Assert.Equal(0.4, TierGate.Combine(0.4, 0.1));
        Assert.Equal(0.4, TierGate.Combine(0.4, null));
    }
}
