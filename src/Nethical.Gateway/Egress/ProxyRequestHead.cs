using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Nethical.Gateway.Egress;

/// <summary>A proxy request's line and headers, as the client sent them.</summary>
internal sealed class ProxyRequestHead
{
    private ProxyRequestHead(string method, string target, bool isHttp11, List<KeyValuePair<string, string>> headers)
    {
        Method = method;
        Target = target;
        IsHttp11 = isHttp11;
        Headers = headers;
    }

    public string Method { get; }

    /// <summary>The request target: an authority for CONNECT, an absolute URI for a proxied request.</summary>
    public string Target { get; }

    /// <summary>HTTP/1.1 (true) or HTTP/1.0 (false).</summary>
    public bool IsHttp11 { get; }

    /// <summary>Headers in the order sent, names as sent.</summary>
    public List<KeyValuePair<string, string>> Headers { get; }

    public bool IsConnect => Method == "CONNECT";

    /// <summary>The header's values joined with <c>, </c>, or null when absent.</summary>
    public string? Header(string name)
    {
        string? value = null;
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = value is null ? header.Value : value + ", " + header.Value;
            }
        }

        return value;
    }

    /// <summary>Whether <paramref name="name"/> lists <paramref name="token"/> (comma-separated, case-insensitive).</summary>
    public bool HasToken(string name, string token)
    {
        var value = Header(name);
        if (value is null)
        {
            return false;
        }

        foreach (var part in value.Split(','))
        {
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The body framing (RFC 9112 6.3). Both headers at once is a smuggling attempt and only plain chunked is understood:
    /// false, with a reason, for either, and for a bad <c>Content-Length</c>.
    /// </summary>
    public bool TryGetBodyFraming(out BodyFraming framing, [NotNullWhen(false)] out string? error)
    {
        framing = default;
        var transferEncoding = Header("Transfer-Encoding");
        var contentLengthText = Header("Content-Length");
        if (transferEncoding is not null)
        {
            if (contentLengthText is not null || !transferEncoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                error = "unsupported body framing";
                return false;
            }

            framing = new BodyFraming(Chunked: true, 0);
        }
        else if (contentLengthText is not null)
        {
            if (!TryParseContentLength(contentLengthText, out var contentLength))
            {
                error = "bad Content-Length";
                return false;
            }

            framing = new BodyFraming(Chunked: false, contentLength);
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Finds the end of the head (CRLF CRLF) in <paramref name="buffer"/>. Returns false when it is not there yet;
    /// <paramref name="headLength"/> then is 0.
    /// </summary>
    public static bool TryFindEnd(in ReadOnlySequence<byte> buffer, out long headLength)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true))
        {
            headLength = reader.Consumed;
            return true;
        }

        headLength = 0;
        return false;
    }

    /// <summary>Parses a head (ending in CRLF CRLF). Returns null and a reason when it is not a well-formed HTTP/1.x request.</summary>
    public static ProxyRequestHead? Parse(ReadOnlySpan<byte> head, out string? error)
    {
        // Latin-1 maps every byte to one char; anything outside visible ASCII is refused below.
        var text = Encoding.Latin1.GetString(head);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var requestLine = text[..lineEnd];
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !IsToken(parts[0]) || !IsVisible(parts[1]))
        {
            error = "malformed request line";
            return null;
        }

        bool isHttp11;
        switch (parts[2])
        {
            case "HTTP/1.1":
                isHttp11 = true;
                break;
            case "HTTP/1.0":
                isHttp11 = false;
                break;
            default:
                error = "unsupported HTTP version";
                return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        var position = lineEnd + 2;
        while (true)
        {
            var end = text.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (end == position)
            {
                break;
            }

            var line = text.AsSpan(position, end - position);
            position = end + 2;
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[0] is ' ' or '\t')
            {
                // No name, or an obsolete line folding: refused, as RFC 9112 allows a proxy to.
                error = "malformed header";
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t");
            if (!IsToken(name) || !IsFieldValue(value))
            {
                error = "malformed header";
                return null;
            }

            headers.Add(new(name.ToString(), value.ToString()));
        }

        error = null;
        return new ProxyRequestHead(parts[0], parts[1], isHttp11, headers);
    }

    private static bool TryParseContentLength(string value, out long length)
    {
        length = 0;

        // Repeated identical values ("5, 5") are allowed by RFC 9110; differing ones are not.
        string? first = null;
        foreach (var part in value.Split(','))
        {
            var trimmed = part.Trim();
            if (trimmed.Length is 0 or > 18 || trimmed.AsSpan().ContainsAnyExceptInRange('0', '9') || (first is not null && first != trimmed))
            {
                return false;
            }

            first = trimmed;
        }

        return first is not null && long.TryParse(first, System.Globalization.NumberStyles.None, null, out length);
    }

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return false;
            }
        }

        return value.Length > 0;
    }

    private static bool IsVisible(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is <= ' ' or >= '\x7f')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFieldValue(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c == '\x7f')
            {
                return false;
            }
        }

        return true;
    }
}
