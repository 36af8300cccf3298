using System.Globalization;

namespace Nethical.LoadTests;

/// <summary>Durations on the command line: <c>500ms</c>, <c>10s</c>, <c>2m</c>, or a plain number of seconds.</summary>
internal static class Duration
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"'{text}' is not a duration (e.g. 500ms, 10s, 2m).");
        }

        return TimeSpan.FromSeconds(value * scale);
    }
}
