using Nethical.Guard.Extraction;

namespace Nethical.Guard.Screening;

/// <summary>What to screen: a provider-format JSON body, or plain text (one user segment).</summary>
public readonly struct ScreeningRequest
{
    private ScreeningRequest(ReadOnlyMemory<byte> body, ProviderFormat format, string? text)
    {
        Body = body;
        Format = format;
        Text = text;
    }

    /// <summary>The UTF-8 JSON body; empty for a text request.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The provider format the body is read in.</summary>
    public ProviderFormat Format { get; }

    /// <summary>The plain text; null for a body request.</summary>
    public string? Text { get; }

    /// <summary>A provider-format JSON body. A body in which the format finds no prompt has every string value screened.</summary>
    public static ScreeningRequest ForBody(ReadOnlyMemory<byte> utf8Json, ProviderFormat format) => new(utf8Json, format, null);

    /// <summary>Plain text, screened as one user segment.</summary>
    public static ScreeningRequest ForText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(default, ProviderFormat.Auto, text);
    }
}
