namespace Nethical.Guard.Tier2;

/// <summary>
/// Admission control for one model lane, by deadline: a request is let in only if the work already admitted ahead of
/// it, plus its own, can finish within its budget at the model's measured cost per encoder window. What cannot finish
/// in time is refused at the door (the caller sheds it to its fallback at once) instead of queueing until its budget
/// runs out: admitted requests keep a bounded latency, only the excess is shed, and the lane is open again as soon as
/// the work ahead of it drains.
/// </summary>
/// <remarks>
/// The cost per window is a moving average over the lane's model runs (whole batches, so it is the batched cost under
/// load). A lane with nothing admitted always admits: one request alone is always tried, whatever the estimate says.
/// Thread-safe.
/// </remarks>
internal sealed class ModelAdmission
{
    /// <summary>The weight of the newest run in the moving average.</summary>
    internal const double Smoothing = 0.2;

    private readonly TimeSpan _batchWait;
    private readonly Lock _costLock = new();
    private long _admittedWindows;
    private double _secondsPerWindow;

    /// <param name="initialCostPerWindow">The cost assumed until the first run is measured.</param>
    /// <param name="batchWait">How long a batch may wait for company before it runs: added to every estimate.</param>
    public ModelAdmission(TimeSpan initialCostPerWindow, TimeSpan batchWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCostPerWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchWait, TimeSpan.Zero);
        _secondsPerWindow = initialCostPerWindow.TotalSeconds;
        _batchWait = batchWait;
    }

    /// <summary>Encoder windows admitted and not yet scored.</summary>
    public long AdmittedWindows => Interlocked.Read(ref _admittedWindows);

    /// <summary>The measured model cost of one encoder window (moving average).</summary>
    public TimeSpan CostPerWindow => TimeSpan.FromSeconds(CostPerWindowSeconds);

    /// <summary>How long the work admitted now would take to drain.</summary>
    public TimeSpan Backlog => TimeSpan.FromSeconds(AdmittedWindows * CostPerWindowSeconds);

    private double CostPerWindowSeconds
    {
        get
        {
            lock (_costLock)
            {
                return _secondsPerWindow;
            }
        }
    }

    /// <summary>
    /// Admits <paramref name="windows"/> if they can be scored within <paramref name="budget"/> behind what is already
    /// admitted. On true the caller owes a <see cref="Release"/> of the same windows once they are scored (or failed).
    /// </summary>
    public bool TryAdmit(int windows, TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windows);
        var ahead = Interlocked.Add(ref _admittedWindows, windows) - windows;
        if (ahead == 0)
        {
            return true;
        }
        var estimate = _batchWait + TimeSpan.FromSeconds((ahead + windows) * CostPerWindowSeconds);
        if (estimate <= budget)
        {
            return true;
        }
        Interlocked.Add(ref _admittedWindows, -windows);
        return false;
    }

    /// <summary>Returns windows admitted by <see cref="TryAdmit"/> once they have been scored or have failed.</summary>
    public void Release(int windows)
    {
        var left = Interlocked.Add(ref _admittedWindows, -windows);
        if (left < 0)
        {
            throw new InvalidOperationException("More windows were released than admitted.");
        }
    }

    /// <summary>Records one model run of <paramref name="windows"/> windows that took <paramref name="elapsed"/>.</summary>
    public void Observe(int windows, TimeSpan elapsed)
    {
        if (windows <= 0 || elapsed < TimeSpan.Zero)
        {
            return;
        }
        var perWindow = elapsed.TotalSeconds / windows;
        lock (_costLock)
        {
            _secondsPerWindow += Smoothing * (perWindow - _secondsPerWindow);
        }
    }
}
