using System.IO.Compression;

namespace Nethical.Gateway.Tests.Infrastructure;

/// <summary>Compresses test bodies with an HTTP content coding.</summary>
public static class ContentCoding
{
    /// <summary>
    /// <c>gzip</c>/<c>x-gzip</c>, <c>br</c>, <c>deflate</c> (zlib-wrapped, as the RFC says), <c>raw-deflate</c> (what some
    /// clients send as "deflate") or <c>identity</c>.
    /// </summary>
    public static byte[] Compress(string coding, byte[] data)
    {
        if (coding == "identity")
        {
            return data;
        }

        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Fastest),
            "br" => new BrotliStream(output, CompressionLevel.Fastest),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest),
            "raw-deflate" => new DeflateStream(output, CompressionLevel.Fastest),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Unknown content coding."),
        })
        {
            encoder.Write(data);
        }

        return output.ToArray();
    }
}
