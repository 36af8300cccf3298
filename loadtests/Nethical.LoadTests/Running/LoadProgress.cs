namespace Nethical.LoadTests.Running;

/// <summary>Live counters of a run, read by the progress display while the runner writes them.</summary>
internal sealed class LoadProgress
{
    private long _sent;
    private long _completed;
    private long _errors;
    private long _dropped;
    private long _startTimestamp;

    public long Sent => Interlocked.Read(ref _sent);
    public long Completed => Interlocked.Read(ref _completed);
    public long Errors => Interlocked.Read(ref _errors);
    public long Dropped => Interlocked.Read(ref _dropped);
    public volatile string Phase = "starting";

    /// <summary>p99 so far of the measured phase, in milliseconds.</summary>
    public double P99Ms { get; set; }

    public TimeSpan Elapsed => _startTimestamp == 0 ? TimeSpan.Zero : TimeProvider.System.GetElapsedTime(Interlocked.Read(ref _startTimestamp));

    internal void Start(long timestamp) => Interlocked.Exchange(ref _startTimestamp, timestamp);
    internal void OnSent() => Interlocked.Increment(ref _sent);
    internal void OnCompleted() => Interlocked.Increment(ref _completed);
    internal void OnError() => Interlocked.Increment(ref _errors);
    internal void OnDropped() => Interlocked.Increment(ref _dropped);
}
