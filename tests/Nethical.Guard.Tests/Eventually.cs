using System.Diagnostics;

namespace Nethical.Guard.Tests;

/// <summary>Waits for a condition that another thread makes true; a condition that never holds fails the test.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(2, TestContext.Current.CancellationToken);
        }
    }
}
