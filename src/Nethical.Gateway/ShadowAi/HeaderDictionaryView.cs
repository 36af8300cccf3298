using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Nethical.Gateway.ShadowAi;

/// <summary>
/// The request's headers as the detector reads them, without copying them: repeated values are joined by the
/// underlying <see cref="Microsoft.Extensions.Primitives.StringValues"/> (a single value is returned as is).
/// </summary>
internal sealed class HeaderDictionaryView(IHeaderDictionary headers) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => headers.Keys;

    public IEnumerable<string> Values => headers.Values.Select(v => v.ToString());

    public int Count => headers.Count;

    public bool ContainsKey(string key) => headers.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (headers.TryGetValue(key, out var values))
        {
            value = values.ToString();
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var header in headers)
        {
            yield return new KeyValuePair<string, string>(header.Key, header.Value.ToString());
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
