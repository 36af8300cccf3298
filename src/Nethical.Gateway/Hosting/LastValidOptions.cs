using Microsoft.Extensions.Options;

namespace Nethical.Gateway.Hosting;

/// <summary>
/// Options that reload live, kept safe from a bad reload: the current value, unless a reload made it invalid (or
/// <c>keepLast</c> says the new value must not replace the last one, e.g. a half-saved file that reads as empty): then
/// the last good value stays in force, and each distinct failure is logged once.
/// </summary>
internal sealed partial class LastValidOptions<T>
    where T : class
{
    private readonly IOptionsMonitor<T> _monitor;
    private readonly ILogger _logger;
    private readonly Func<T, T, bool>? _keepLast;
    private T? _last;
    private string? _lastError;

    /// <param name="monitor">The live options.</param>
    /// <param name="logger">Where an invalid reload is reported.</param>
    /// <param name="keepLast">Given the new and the last good value, whether to keep the last one although the new one validated.</param>
    public LastValidOptions(IOptionsMonitor<T> monitor, ILogger<LastValidOptions<T>> logger, Func<T, T, bool>? keepLast = null)
    {
        _monitor = monitor;
        _logger = logger;
        _keepLast = keepLast;
        try
        {
            // Validated at start: an invalid edit before the first read must not leave nothing to fall back on.
            _last = monitor.CurrentValue;
        }
        catch (OptionsValidationException)
        {
        }
    }

    /// <summary>The options in force. Throws only when no valid value has been seen yet (the host validates at start).</summary>
    public T Current
    {
        get
        {
            T current;
            try
            {
                current = _monitor.CurrentValue;
            }
            catch (OptionsValidationException ex) when (_last is not null)
            {
                // Every call sees the exception until the configuration is fixed: log each distinct failure once.
                if (!string.Equals(Interlocked.Exchange(ref _lastError, ex.Message), ex.Message, StringComparison.Ordinal))
                {
                    LogInvalidReload(_logger, typeof(T).Name, ex.Message);
                }
                return _last;
            }

            var last = _last;
            if (last is not null && !ReferenceEquals(last, current) && _keepLast is not null && _keepLast(current, last))
            {
                return last;
            }
            _last = current;
            return current;
        }
    }

    [LoggerMessage(EventId = 105, EventName = "InvalidOptionsReload", Level = LogLevel.Error,
        Message = "The reloaded {Options} are invalid; the last valid options stay in force: {Error}")]
    private static partial void LogInvalidReload(ILogger logger, string options, string error);
}
