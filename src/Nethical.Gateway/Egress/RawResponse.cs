using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Nethical.Gateway.Http;
using Nethical.Guard.Extraction;

namespace Nethical.Gateway.Egress;

/// <summary>
/// A whole HTTP/1.1 answer written on the client's raw connection, which egress then closes: the status line,
/// <c>Content-Type</c>, <c>Content-Length</c>, <c>Cache-Control: no-store</c>, <c>Connection: close</c> and the body.
/// </summary>
internal static class RawResponse
{
    public static async Task WriteAsync(PipeWriter output, int status, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var head = $"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        byte[] bytes = [.. Encoding.ASCII.GetBytes(head), .. body.Span];
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A refusal in the OpenAI error shape, which the SDKs that egress carries raise as their API error.</summary>
    public static Task WriteErrorAsync(PipeWriter output, HttpRefusal refusal, CancellationToken cancellationToken)
    {
        var body = ProviderErrorWriter.Serialize(ProviderFormat.OpenAi, refusal.Status, refusal.Code, refusal.Message);
        return WriteAsync(output, refusal.Status, "application/json", body.WrittenMemory, cancellationToken);
    }

    /// <summary>A short plain-text answer.</summary>
    public static Task WriteTextAsync(PipeWriter output, int status, string text, CancellationToken cancellationToken)
        => WriteAsync(output, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text), cancellationToken);
}
