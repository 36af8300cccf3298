using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Nethical.Gateway.Http;

namespace Nethical.Gateway.Egress;

/// <summary>
/// The response side of a forwarded exchange: YARP writes status, headers and body into it, and it serializes them onto
/// the client connection as HTTP/1.1, with <c>Content-Length</c> when known and chunked framing otherwise.
/// </summary>
internal sealed class EgressResponse : Stream, IHttpResponseFeature, IHttpResponseBodyFeature
{
    private readonly PipeWriter _output;
    private readonly IdleTimer _idle;
    private readonly bool _isHead;
    private readonly bool _clientIsHttp11;
    private bool _chunked;
    private bool _bodyless;
    private bool _completed;
    private PipeWriter? _writer;

    public EgressResponse(PipeWriter output, IdleTimer idle, bool isHead, bool clientIsHttp11, bool keepAlive)
    {
        _output = output;
        _idle = idle;
        _isHead = isHead;
        _clientIsHttp11 = clientIsHttp11;
        KeepAlive = keepAlive;
    }

    /// <summary>Whether the connection can carry another request after this response.</summary>
    public bool KeepAlive { get; private set; }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;
    public string? ReasonPhrase { get; set; }
    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();
    public Stream Body { get => this; set => throw new NotSupportedException(); }
    public bool HasStarted { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;
    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void OnStarting(Func<object, Task> callback, object state)
    {
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => EnsureStartedAsync(cancellationToken).AsTask();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        if (_writer is not null)
        {
            await _writer.FlushAsync(_idle.Token).ConfigureAwait(false);
        }

        if (!HasStarted && !_bodyless && Headers.ContentLength is null && !IsBodyless(StatusCode))
        {
            // Nothing was written: say so rather than open an empty chunked body.
            Headers.ContentLength = 0;
        }

        await EnsureStartedAsync(_idle.Token).ConfigureAwait(false);
        _completed = true;
        if (_chunked)
        {
            "0\r\n\r\n"u8.CopyTo(_output.GetSpan(5));
            _output.Advance(5);
        }

        await _output.FlushAsync(_idle.Token).ConfigureAwait(false);
    }

    /// <summary>A response that has started but will not complete (the upstream failed mid-body): the connection must close.</summary>
    public void Abandon() => KeepAlive = false;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() => FlushAsync().GetAwaiter().GetResult();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The response has completed.");
        }

        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (buffer.IsEmpty || _bodyless)
        {
            return;
        }

        if (_chunked)
        {
            WriteAscii($"{buffer.Length:x}\r\n");
            _output.Write(buffer.Span);
            WriteAscii("\r\n");
        }
        else
        {
            _output.Write(buffer.Span);
        }

        _idle.Touch();

        // Flush each write: streamed answers (server-sent events) reach the client as they come.
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new IOException("The client connection closed.");
        }
    }

    private ValueTask EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (HasStarted)
        {
            return ValueTask.CompletedTask;
        }

        HasStarted = true;
        _bodyless = _isHead || IsBodyless(StatusCode);
        if (!_bodyless && Headers.ContentLength is null)
        {
            if (_clientIsHttp11)
            {
                _chunked = true;
            }
            else
            {
                // An HTTP/1.0 client learns the end of the body from the connection closing.
                KeepAlive = false;
            }
        }

        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(StatusCode).Append(' ')
            .Append(string.IsNullOrEmpty(ReasonPhrase) ? ReasonPhrases.GetReasonPhrase(StatusCode) : ReasonPhrase).Append("\r\n");
        foreach (var header in Headers)
        {
            if (HopByHopHeaders.IsHopByHop(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                head.Append(header.Key).Append(": ").Append(value).Append("\r\n");
            }
        }

        if (_chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }

        if (!KeepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        WriteAscii(head.ToString());
        return _bodyless ? new ValueTask(_output.FlushAsync(cancellationToken).AsTask()) : ValueTask.CompletedTask;
    }

    private void WriteAscii(string text)
    {
        var span = _output.GetSpan(text.Length);
        var written = Encoding.Latin1.GetBytes(text, span);
        _output.Advance(written);
    }

    private static bool IsBodyless(int statusCode) => statusCode is (>= 100 and < 200) or 204 or 304;
}
