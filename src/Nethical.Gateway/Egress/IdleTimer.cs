namespace Nethical.Gateway.Egress;

/// <summary>A token that is cancelled after a stretch with no activity: each <see cref="Touch"/> restarts the clock.</summary>
internal sealed class IdleTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _link;
    private readonly TimeSpan _timeout;

    public IdleTimer(TimeSpan timeout, TimeProvider timeProvider, CancellationToken linked)
    {
        _timeout = timeout;
        _source = new CancellationTokenSource(timeout, timeProvider);
        _link = linked.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _source);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Whether the clock ran out (rather than the linked token firing or <see cref="Cancel"/>).</summary>
    public bool Expired { get; private set; }

    public void Touch()
    {
        try
        {
            _source.CancelAfter(_timeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Cancel()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _link.Dispose();
        _source.Dispose();
    }
}
