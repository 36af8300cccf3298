using System.Diagnostics;

namespace Nethical.Testing;

/// <summary>
/// Waits for a condition that another thread, a background loop or a reloading file makes true. The one polling
/// helper of both test projects (linked into each): a condition that never holds fails the test instead of hanging it.
/// </summary>
internal static class Eventually
{
    /// <summary>How long a condition may take to hold unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_defaultInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test, naming <paramref name="what"/>, once <paramref name="timeout"/> has passed.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), what, timeout, interval);
    }

    /// <summary>As the synchronous overload, for a condition that must itself await (an HTTP request, a file read).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var cancellationToken = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // A condition that hangs must fail the test too: it gets what is left of the limit, and no more.
            var left = limit - clock.Elapsed;
            if (left > TimeSpan.Zero && await condition().WaitAsync(left, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (clock.Elapsed >= limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(interval ?? s_defaultInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
