using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Nethical.Gateway.Egress;

/// <summary>
/// A proxied request's body read from the client connection: exactly <c>Content-Length</c> bytes, or the decoded chunks
/// of a chunked body (trailers are read and dropped). Reads are bounded by the exchange's idle timer.
/// </summary>
internal sealed class RequestBodyStream : ForwardOnlyReadStream
{
    private const int MaxChunkLineBytes = 4096;

    private readonly PipeReader _input;
    private readonly IdleTimer _idle;
    private readonly bool _chunked;
    private long _remaining;
    private bool _done;

    private RequestBodyStream(PipeReader input, IdleTimer idle, bool chunked, long contentLength)
    {
        _input = input;
        _idle = idle;
        _chunked = chunked;
        _remaining = chunked ? 0 : contentLength;
        _done = !chunked && contentLength == 0;
    }

    public static RequestBodyStream ContentLength(PipeReader input, IdleTimer idle, long length) => new(input, idle, chunked: false, length);

    public static RequestBodyStream Chunked(PipeReader input, IdleTimer idle) => new(input, idle, chunked: true, 0);

    /// <summary>Whether the whole body has been read from the connection.</summary>
    public bool IsComplete => _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done || buffer.IsEmpty)
        {
            return 0;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
        if (_chunked && _remaining == 0)
        {
            await ReadChunkHeaderAsync(linked.Token).ConfigureAwait(false);
            if (_done)
            {
                return 0;
            }
        }

        var result = await _input.ReadAsync(linked.Token).ConfigureAwait(false);
        var available = result.Buffer;
        if (available.IsEmpty && result.IsCompleted)
        {
            throw new IOException("The client closed the connection before the end of the request body.");
        }

        var count = (int)Math.Min(Math.Min(available.Length, _remaining), buffer.Length);
        available.Slice(0, count).CopyTo(buffer.Span);
        _input.AdvanceTo(available.GetPosition(count));
        _remaining -= count;
        _idle.Touch();
        if (_remaining == 0)
        {
            if (_chunked)
            {
                await ReadCrlfAsync(linked.Token).ConfigureAwait(false);
            }
            else
            {
                _done = true;
            }
        }

        return count;
    }

    /// <summary>Reads the body up to <paramref name="limit"/> bytes: <c>Whole</c> when that is all of it; otherwise the prefix holds one byte more.</summary>
    public async Task<(byte[] Prefix, bool Whole)> ReadPrefixAsync(int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (buffer.Length <= limit)
            {
                var read = await ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.ToArray(), true);
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async ValueTask ReadChunkHeaderAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        var size = (semicolon >= 0 ? line[..semicolon] : line).Trim();
        if (size.Length is 0 or > 15 || !long.TryParse(size, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var length) || length < 0)
        {
            throw new InvalidDataException("Malformed chunk size.");
        }

        if (length > 0)
        {
            _remaining = length;
            return;
        }

        // The last chunk: trailers up to an empty line, dropped.
        while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
        {
        }

        _done = true;
    }

    private async ValueTask ReadCrlfAsync(CancellationToken cancellationToken)
    {
        if ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length != 0)
        {
            throw new InvalidDataException("Malformed chunk: no CRLF after the data.");
        }
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
            {
                if (line.Length > MaxChunkLineBytes)
                {
                    throw new InvalidDataException("Chunk line too long.");
                }

                var text = Encoding.Latin1.GetString(line);
                _input.AdvanceTo(reader.Position);
                _idle.Touch();
                return text;
            }

            if (buffer.Length > MaxChunkLineBytes || result.IsCompleted)
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                throw new InvalidDataException("Malformed chunked body.");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

/// <summary>A body already read in part: the read bytes, then the rest from the connection.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardOnlyReadStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return rest.ReadAsync(buffer, cancellationToken);
        }

        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer.Span);
        _prefix = _prefix[count..];
        return ValueTask.FromResult(count);
    }
}

/// <summary>A read-only, forward-only stream: subclasses implement <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
internal abstract class ForwardOnlyReadStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
