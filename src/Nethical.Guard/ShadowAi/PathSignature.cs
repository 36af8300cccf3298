using System.Collections.Frozen;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// An API path signature, matched against the end of a request path (query and fragment removed, case ignored):
/// <c>/v1/chat/completions</c> matches <c>/openai/v1/chat/completions</c>; <c>*</c> is one whole segment
/// (<c>/model/*/converse</c>); <c>:generateContent</c> matches the end of the last segment
/// (<c>/v1beta/models/gemini-2.0-flash:generateContent</c>).
/// </summary>
internal sealed class PathSignature
{
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create(" \t\r\n?#");

    private readonly string[] _segments;

    private PathSignature(string pattern, string[] segments, string key, int weight)
    {
        Pattern = pattern;
        _segments = segments;
        Key = key;
        Weight = weight;
    }

    public string Pattern { get; }

    /// <summary>The last segment (or <c>:method</c>) the set indexes this signature by.</summary>
    public string Key { get; }

    /// <summary>Weight in hundredths.</summary>
    public int Weight { get; }

    /// <summary>Null when <paramref name="pattern"/> is valid; otherwise what is wrong with it.</summary>
    public static string? Check(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty";
        }

        if (pattern.AsSpan().IndexOfAny(Forbidden) >= 0)
        {
            return "has white space, '?' or '#'";
        }

        if (pattern[0] == ':')
        {
            return pattern.Length > 1 && pattern.IndexOf('/', StringComparison.Ordinal) < 0 && pattern.IndexOf(':', 1) < 0
                ? null
                : "starts with ':' but is not a single ':method' (as in ':generateContent')";
        }

        if (pattern[0] != '/')
        {
            return "must start with '/' (a path suffix) or ':' (a method suffix)";
        }

        var segments = pattern[1..].TrimEnd('/').Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                return "has an empty segment";
            }

            if (segment.Contains('*', StringComparison.Ordinal) && segment != "*")
            {
                return "has '*' inside a segment: '*' must be a whole segment";
            }
        }

        return segments[^1] == "*" ? "ends in '*': the last segment must be literal" : null;
    }

    public static PathSignature Create(string pattern, int weight)
    {
        if (Check(pattern) is { } problem)
        {
            throw new ArgumentException($"Path signature '{pattern}' {problem}.", nameof(pattern));
        }

        if (pattern[0] == ':')
        {
            return new PathSignature(pattern, [], pattern, weight);
        }

        var segments = pattern[1..].TrimEnd('/').Split('/');
        return new PathSignature(pattern, segments, segments[^1], weight);
    }

    /// <summary>Whether the path (without query) ends with this signature. <paramref name="path"/> has no trailing slash.</summary>
    public bool Matches(ReadOnlySpan<char> path)
    {
        if (_segments.Length == 0)
        {
            var last = path[(path.LastIndexOf('/') + 1)..];
            var colon = last.LastIndexOf(':');
            return colon > 0 && last[colon..].Equals(Key, StringComparison.OrdinalIgnoreCase);
        }

        for (var i = _segments.Length - 1; i >= 0; i--)
        {
            var slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                return false;
            }

            var segment = path[(slash + 1)..];
            var expected = _segments[i];
            if (segment.IsEmpty || (expected != "*" && !segment.Equals(expected, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            path = path[..slash];
        }

        return true;
    }
}

/// <summary>Path signatures indexed by their last segment, so a request costs one probe and a few suffix checks.</summary>
internal sealed class PathSignatureSet
{
    private readonly FrozenDictionary<string, PathSignature[]>.AlternateLookup<ReadOnlySpan<char>> _byKey;

    public PathSignatureSet(IEnumerable<PathSignature> signatures)
    {
        var byPattern = new Dictionary<string, PathSignature>(StringComparer.OrdinalIgnoreCase);
        foreach (var signature in signatures)
        {
            if (!byPattern.TryGetValue(signature.Pattern, out var existing) || existing.Weight < signature.Weight)
            {
                byPattern[signature.Pattern] = signature;
            }
        }

        var byKey = new Dictionary<string, List<PathSignature>>(StringComparer.OrdinalIgnoreCase);
        foreach (var signature in byPattern.Values)
        {
            if (!byKey.TryGetValue(signature.Key, out var list))
            {
                list = [];
                byKey.Add(signature.Key, list);
            }

            list.Add(signature);
        }

        var frozen = new Dictionary<string, PathSignature[]>(byKey.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, list) in byKey)
        {
            // Heaviest first: the first match is the answer.
            list.Sort(static (a, b) => b.Weight.CompareTo(a.Weight));
            frozen.Add(key, [.. list]);
        }

        _byKey = frozen.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        Count = byPattern.Count;
    }

    public int Count { get; }

    /// <summary>The heaviest matching signature's weight (hundredths) and whether it is a <c>:method</c> one; 0 when none match.</summary>
    public int Match(ReadOnlySpan<char> path, out bool methodSuffix)
    {
        methodSuffix = false;
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }

        path = path.TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        if (last.IsEmpty)
        {
            return 0;
        }

        var best = 0;
        var colon = last.LastIndexOf(':');
        if (colon > 0 && _byKey.TryGetValue(last[colon..], out var methods))
        {
            foreach (var signature in methods)
            {
                if (signature.Matches(path))
                {
                    best = signature.Weight;
                    methodSuffix = true;
                    break;
                }
            }
        }

        if (_byKey.TryGetValue(last, out var candidates))
        {
            foreach (var signature in candidates)
            {
                if (signature.Weight > best && signature.Matches(path))
                {
                    best = signature.Weight;
                    methodSuffix = false;
                    break;
                }
            }
        }

        return best;
    }
}
