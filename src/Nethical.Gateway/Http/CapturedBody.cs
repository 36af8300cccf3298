using System.Buffers;
using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Nethical.Gateway.Http;

/// <summary>
/// A request body read into pooled memory: the bytes as sent (replayed to the upstream unchanged) and, when the body
/// carried a <c>Content-Encoding</c>, the decoded bytes that are screened. Dispose returns the buffers to the pool.
/// </summary>
internal sealed class CapturedBody : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private byte[]? _raw;
    private int _rawLength;
    private byte[]? _decoded;
    private int _decodedLength;

    public CaptureFailure Failure { get; private set; }

    /// <summary>The body exactly as the client sent it.</summary>
    public ReadOnlyMemory<byte> Raw => _raw is null ? default : _raw.AsMemory(0, _rawLength);

    /// <summary>The body with its content encodings removed: what the upstream will parse.</summary>
    public ReadOnlyMemory<byte> Content => _decoded is null ? Raw : _decoded.AsMemory(0, _decodedLength);

    /// <summary>A fresh stream over <see cref="Raw"/> for the forwarder.</summary>
    public Stream CreateReplayStream()
        => _raw is null ? Stream.Null : new MemoryStream(_raw, 0, _rawLength, writable: false);

    public void Dispose()
    {
        Return(ref _raw);
        Return(ref _decoded);
    }

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            // Cleared: the pool is shared, and these bytes are prompts.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            buffer = null;
        }
    }

    /// <summary>
    /// Reads and decodes the request body within <paramref name="limits"/>. The content type is the
    /// caller's to check (<see cref="IsJson"/>): a fail-open route still screens a mislabelled JSON body.
    /// </summary>
    public static async Task<CapturedBody> CaptureAsync(HttpRequest request, BodyLimits limits, CancellationToken cancellationToken)
    {
        var body = new CapturedBody();
        try
        {
            if (request.ContentLength > limits.MaxBytes)
            {
                body.Failure = CaptureFailure.TooLarge;
                return body;
            }

            if (!await body.ReadAsync(request, limits, cancellationToken).ConfigureAwait(false))
            {
                return body;
            }

            body.Decode(request.Headers.ContentEncoding, limits.MaxDecodedBytes);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private async Task<bool> ReadAsync(HttpRequest request, BodyLimits limits, CancellationToken cancellationToken)
    {
        var max = (int)Math.Min(limits.MaxBytes, Array.MaxLength - 1);
        // Content-Length is a claim, not bytes: trust it only up to a small first buffer, then grow as data arrives,
        // so a header alone cannot make the gateway hold megabytes.
        var initial = request.ContentLength is long length ? (int)Math.Min(length + 1, InitialBufferBytes) : 16 * 1024;
        _raw = ArrayPool<byte>.Shared.Rent(Math.Min(initial, max + 1));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.ReadTimeout);
        try
        {
            while (true)
            {
                if (_rawLength == _raw.Length)
                {
                    if (_rawLength > max)
                    {
                        Failure = CaptureFailure.TooLarge;
                        return false;
                    }

                    Grow(ref _raw, _rawLength, max + 1);
                }

                var read = await request.Body.ReadAsync(_raw.AsMemory(_rawLength), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return true;
                }

                _rawLength += read;
                if (_rawLength > max)
                {
                    Failure = CaptureFailure.TooLarge;
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Failure = CaptureFailure.Timeout;
            return false;
        }
    }

    private void Decode(Microsoft.Extensions.Primitives.StringValues contentEncoding, long maxDecoded)
    {
        if (contentEncoding.Count == 0)
        {
            return;
        }

        // Codings are listed in the order they were applied, so they come off in reverse.
        var codings = new List<string>(2);
        foreach (var value in contentEncoding)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                codings.Add(part);
            }
        }

        var max = (int)Math.Min(maxDecoded, Array.MaxLength - 1);
        for (var i = codings.Count - 1; i >= 0; i--)
        {
            var coding = codings[i];
            if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!IsKnownCoding(coding))
            {
                Failure = CaptureFailure.UnsupportedEncoding;
                return;
            }

            var input = Content;
            var output = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Clamp(input.Length * 4, 4096, InitialBufferBytes), max + 1));
            var outputLength = 0;
            try
            {
                var result = Inflate(coding, input, ref output, ref outputLength, max);
                if (result != CaptureFailure.None && coding.Equals("deflate", StringComparison.OrdinalIgnoreCase) && result == CaptureFailure.CorruptEncoding)
                {
                    // "deflate" is zlib-wrapped by the RFC, but some clients send raw DEFLATE.
                    outputLength = 0;
                    result = Inflate("raw-deflate", input, ref output, ref outputLength, max);
                }

                if (result != CaptureFailure.None)
                {
                    Failure = result;
                    ArrayPool<byte>.Shared.Return(output, clearArray: true);
                    return;
                }
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(output, clearArray: true);
                throw;
            }

            Return(ref _decoded);
            _decoded = output;
            _decodedLength = outputLength;
        }
    }

    private static bool IsKnownCoding(string coding)
        => coding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
            || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)
            || coding.Equals("br", StringComparison.OrdinalIgnoreCase)
            || coding.Equals("deflate", StringComparison.OrdinalIgnoreCase);

    private static CaptureFailure Inflate(string coding, ReadOnlyMemory<byte> input, ref byte[] output, ref int outputLength, int max)
    {
        var source = new ReadOnlyMemoryStream(input);
        using Stream decoder = coding.ToUpperInvariant() switch
        {
            "GZIP" or "X-GZIP" => new GZipStream(source, CompressionMode.Decompress),
            "BR" => new BrotliStream(source, CompressionMode.Decompress),
            "DEFLATE" => new ZLibStream(source, CompressionMode.Decompress),
            _ => new DeflateStream(source, CompressionMode.Decompress),
        };
        try
        {
            while (true)
            {
                if (outputLength == output.Length)
                {
                    if (outputLength > max)
                    {
                        return CaptureFailure.DecodedTooLarge;
                    }

                    Grow(ref output, outputLength, max + 1);
                }

                var read = decoder.Read(output, outputLength, output.Length - outputLength);
                if (read == 0)
                {
                    // Truncated input ends quietly rather than throwing; a compressed body that yields nothing is no body.
                    return outputLength == 0 && input.Length > 0 ? CaptureFailure.CorruptEncoding : CaptureFailure.None;
                }

                outputLength += read;
                if (outputLength > max)
                {
                    return CaptureFailure.DecodedTooLarge;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
        {
            // GZip and Deflate throw InvalidDataException; Brotli throws InvalidOperationException.
            return CaptureFailure.CorruptEncoding;
        }
    }

    private static void Grow(ref byte[] buffer, int used, int limit)
    {
        var size = (int)Math.Min((long)buffer.Length * 2, limit);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, buffer.Length + 1));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        buffer = larger;
    }

    /// <summary>JSON, with no charset or a UTF-8 one: a body in UTF-16 would read differently upstream than here.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        if (charset.HasValue
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = mediaType.MediaType;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A read-only stream over memory, so decoders read the pooled bytes without a copy.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
