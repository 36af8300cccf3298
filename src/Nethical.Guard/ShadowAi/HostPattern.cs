namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Catalog host patterns: an exact host (<c>api.openai.com</c>) or one with <c>*</c> standing for exactly one whole
/// DNS label anywhere but the last (<c>*.openai.azure.com</c>, <c>bedrock-runtime.*.amazonaws.com</c>).
/// </summary>
internal static class HostPattern
{
    public const string Wildcard = "*";

    /// <summary>Lower case, trimmed, without a trailing dot.</summary>
    public static string Normalize(string pattern)
    {
        var trimmed = pattern.AsSpan().Trim();
        if (trimmed.EndsWith('.'))
        {
            trimmed = trimmed[..^1];
        }

        return trimmed.ToString().ToLowerInvariant();
    }

    public static bool HasWildcard(string normalized) => normalized.Contains('*', StringComparison.Ordinal);

    /// <summary>Null when <paramref name="pattern"/> is a valid host pattern; otherwise what is wrong with it.</summary>
    public static string? Check(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty";
        }

        var host = Normalize(pattern);
        if (host.Length == 0)
        {
            return "is empty";
        }

        if (host.Length > 253)
        {
            return "is longer than 253 characters";
        }

        var labels = host.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label.Length == 0)
            {
                return "has an empty label";
            }

            if (label.Contains('*', StringComparison.Ordinal))
            {
                if (label != Wildcard)
                {
                    return "has '*' inside a label: '*' must be a whole label (as in '*.openai.azure.com')";
                }

                if (i == labels.Length - 1)
                {
                    return "ends in '*': the last label must be literal";
                }

                continue;
            }

            if (label.Length > 63)
            {
                return "has a label longer than 63 characters";
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                {
                    return $"has the character '{c}', which is not a letter, digit, '-' or '_' (write IDNs as punycode)";
                }
            }
        }

        return null;
    }
}
