using System.Globalization;
using Nethical.Gateway.Http;

namespace Nethical.Gateway.Screening;

/// <summary>
/// What the gateway decided about a request, kept on the <see cref="HttpContext"/> so the response transform can write it
/// back after YARP has copied the upstream's headers (and dropped any <c>x-nethical-*</c> the upstream sent).
/// </summary>
internal sealed class ScreeningTags(string verdict, double? score, string? reasons, TimeSpan elapsed, bool exposeReasons, string? degraded = null)
{
    public string Verdict { get; } = verdict;

    /// <summary>Why tier 2 did not answer, on a request let through on tier 1's verdict; null when it did.</summary>
    public string? Degraded { get; } = degraded;

    public double? Score { get; } = score;

    public string? Reasons { get; } = reasons;

    public TimeSpan Elapsed { get; } = elapsed;

    /// <summary>Whether the client sees the rule ids (the upstream always does).</summary>
    public bool ExposeReasons { get; } = exposeReasons;

    /// <summary>Writes the tags for the upstream: everything, reasons included.</summary>
    public void WriteToRequest(IHeaderDictionary headers) => Write(headers, includeReasons: true);

    /// <summary>Writes the tags for the client: reasons only where the options expose them.</summary>
    public void WriteTo(IHeaderDictionary headers) => Write(headers, ExposeReasons);

    private void Write(IHeaderDictionary headers, bool includeReasons)
    {
        headers[NethicalHeaders.Verdict] = Verdict;
        if (Score is double score)
        {
            headers[NethicalHeaders.Score] = score.ToString("F3", CultureInfo.InvariantCulture);
        }

        if (includeReasons && !string.IsNullOrEmpty(Reasons))
        {
            headers[NethicalHeaders.Reasons] = Reasons;
        }

        headers[NethicalHeaders.GuardMilliseconds] = Elapsed.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture);
        // Like the reasons: the upstream always learns that tier 2 did not answer, a client only where reasons are
        // exposed (it tells a prober when a flood let a prompt through on tier 1 alone).
        if (Degraded is not null && includeReasons)
        {
            headers[NethicalHeaders.Degraded] = Degraded;
        }
    }

    /// <summary>
    /// Removes every header that an upstream or a client could use to pass for the gateway: <c>x-nethical-*</c>, and
    /// <c>x_nethical_*</c>, which CGI-style servers read as the same name.
    /// </summary>
    public static void RemoveForged(IHeaderDictionary headers)
    {
        List<string>? forged = null;
        foreach (var header in headers)
        {
            if (IsNethical(header.Key) && !string.Equals(header.Key, NethicalHeaders.ClientIdentity, StringComparison.OrdinalIgnoreCase))
            {
                (forged ??= []).Add(header.Key);
            }
        }

        if (forged is not null)
        {
            foreach (var key in forged)
            {
                headers.Remove(key);
            }
        }
    }

    internal static bool IsNethical(string name)
    {
        var prefix = NethicalHeaders.Prefix;
        if (name.Length < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            var c = name[i];
            c = c == '_' ? '-' : char.ToLowerInvariant(c);
            if (c != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}
