using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class ModelAdmissionTests
{
    private static readonly TimeSpan Cost = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void TryAdmit_NothingAhead_AdmitsEvenPastTheBudget()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.Zero);

        // 100 windows at 10 ms is a second, far past 50 ms: alone, it is still tried.
        Assert.True(admission.TryAdmit(100, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(100, admission.AdmittedWindows);
    }

    [Fact]
    public void TryAdmit_WorkAheadLeavesTimeInBudget_Admits()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.FromMilliseconds(5));
        Assert.True(admission.TryAdmit(10, TimeSpan.FromMilliseconds(250)));

        // 10 ahead + 10 own = 200 ms, + 5 ms batch wait: within 250 ms.
        Assert.True(admission.TryAdmit(10, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(20, admission.AdmittedWindows);
    }

    [Fact]
    public void TryAdmit_WorkAheadWouldOverrunTheBudget_RefusesAndReservesNothing()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.FromMilliseconds(5));
        Assert.True(admission.TryAdmit(20, TimeSpan.FromMilliseconds(250)));

        // 20 ahead + 6 own = 260 ms, + 5 ms: past 250 ms.
        Assert.False(admission.TryAdmit(6, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(20, admission.AdmittedWindows);
        // A smaller request still fits: only the excess is refused.
        Assert.True(admission.TryAdmit(2, TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void Release_WorkDrained_AdmitsAgainAtOnce()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.Zero);
        Assert.True(admission.TryAdmit(25, TimeSpan.FromMilliseconds(250)));
        Assert.False(admission.TryAdmit(5, TimeSpan.FromMilliseconds(250)));

        admission.Release(25);

        Assert.Equal(0, admission.AdmittedWindows);
        Assert.True(admission.TryAdmit(5, TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void Release_MoreThanAdmitted_Throws()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.Zero);
        Assert.True(admission.TryAdmit(1, TimeSpan.FromSeconds(1)));

        Assert.Throws<InvalidOperationException>(() => admission.Release(2));
    }

    [Fact]
    public void Observe_ModelRuns_MovesTheCostTowardsWhatWasMeasured()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.Zero);

        // A batch of 10 windows in 200 ms: 20 ms per window; the average moves a fifth of the way.
        admission.Observe(10, TimeSpan.FromMilliseconds(200));
        Assert.Equal(12, admission.CostPerWindow.TotalMilliseconds, precision: 6);

        for (var i = 0; i < 100; i++)
        {
            admission.Observe(10, TimeSpan.FromMilliseconds(200));
        }
        Assert.Equal(20, admission.CostPerWindow.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void TryAdmit_AfterTheModelSlowsDown_AdmitsLess()
    {
        var admission = new ModelAdmission(Cost, TimeSpan.Zero);
        Assert.True(admission.TryAdmit(10, TimeSpan.FromMilliseconds(250)));
        Assert.True(admission.TryAdmit(10, TimeSpan.FromMilliseconds(250)));

        for (var i = 0; i < 100; i++)
        {
            admission.Observe(1, TimeSpan.FromMilliseconds(20));
        }

        // The same request now needs 20 ahead + 10 own at 20 ms: 600 ms.
        Assert.False(admission.TryAdmit(10, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(400, admission.Backlog.TotalMilliseconds, precision: 0);
    }

    [Fact]
    public async Task TryAdmitAndRelease_ManyThreadsAtOnce_NeverBelowZeroAndBackToZero()
    {
        var admission = new ModelAdmission(TimeSpan.FromMicroseconds(10), TimeSpan.Zero);
        var admitted = 0;
        var refused = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var windows = 1 + ((i + t) % 7);
                if (admission.TryAdmit(windows, TimeSpan.FromMilliseconds(1)))
                {
                    Interlocked.Increment(ref admitted);
                    Assert.True(admission.AdmittedWindows >= windows);
                    admission.Release(windows);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(0, admission.AdmittedWindows);
        Assert.Equal(160_000, admitted + refused);
        Assert.True(admitted > 0);
    }
}
