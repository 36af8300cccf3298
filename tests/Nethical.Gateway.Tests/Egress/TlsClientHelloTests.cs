using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Nethical.Gateway.Egress;

namespace Nethical.Gateway.Tests.Egress;

public sealed class TlsClientHelloTests
{
    [Fact]
    public void TryGetServerName_WholeHello_ReturnsTheName()
    {
        var hello = ClientHelloRecord("API.OpenAI.com.");

        Assert.Equal(TlsHelloStatus.Parsed, TlsClientHello.TryGetServerName(hello, out var name));
        Assert.Equal("api.openai.com", name);
    }

    [Fact]
    public void TryGetServerName_EveryPrefix_NeedsMore()
    {
        var hello = ClientHelloRecord("api.openai.com");

        for (var length = 0; length < hello.Length; length++)
        {
            Assert.Equal(TlsHelloStatus.NeedMore, TlsClientHello.TryGetServerName(hello.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void TryGetServerName_HelloSplitAcrossRecordsAndSegments_ReturnsTheName()
    {
        var message = ClientHelloMessage("api.anthropic.com");
        var split = message.Length / 3;
        byte[] bytes = [.. Record(message[..split]), .. Record(message[split..])];
        var sequence = Segments(bytes, 7);

        Assert.Equal(TlsHelloStatus.Parsed, TlsClientHello.TryGetServerName(sequence, out var name));
        Assert.Equal("api.anthropic.com", name);
    }

    [Fact]
    public void TryGetServerName_NoSni_ParsedWithoutName()
    {
        Assert.Equal(TlsHelloStatus.Parsed, TlsClientHello.TryGetServerName(ClientHelloRecord(null), out var name));
        Assert.Null(name);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    public void TryGetServerName_NotTls_SaysSo(string text)
    {
        Assert.Equal(TlsHelloStatus.NotTls, TlsClientHello.TryGetServerName(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void TryGetServerName_LengthsThatOverrun_Malformed()
    {
        var hello = ClientHelloRecord("api.openai.com");

        // The extensions block claims more than the message holds.
        var extensionsAt = 5 + 4 + 2 + 32 + 1 + 4 + 2;
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(extensionsAt), 0xFFF0);

        Assert.Equal(TlsHelloStatus.Malformed, TlsClientHello.TryGetServerName(hello, out _));
    }

    [Fact]
    public void TryGetServerName_TwoServerNameExtensions_Malformed()
    {
        var message = ClientHelloMessage("api.openai.com", duplicateSni: "api.anthropic.com");

        Assert.Equal(TlsHelloStatus.Malformed, TlsClientHello.TryGetServerName(Record(message), out _));
    }

    [Fact]
    public void TryGetServerName_NotAClientHello_Malformed()
    {
        var message = ClientHelloMessage("api.openai.com");
        message[0] = 2; // ServerHello

        Assert.Equal(TlsHelloStatus.Malformed, TlsClientHello.TryGetServerName(Record(message), out _));
    }

    private static byte[] ClientHelloRecord(string? serverName) => Record(ClientHelloMessage(serverName));

    private static byte[] Record(byte[] fragment)
    {
        var record = new byte[5 + fragment.Length];
        record[0] = 0x16;
        record[1] = 3;
        record[2] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)fragment.Length);
        fragment.CopyTo(record, 5);
        return record;
    }

    private static byte[] ClientHelloMessage(string? serverName, string? duplicateSni = null)
    {
        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);                 // random
        body.Add(0);                                 // session id
        body.AddRange(new byte[] { 0, 2, 0x13, 1 }); // one cipher suite
        body.AddRange(new byte[] { 1, 0 });          // null compression

        var extensions = new List<byte>();
        extensions.AddRange(new byte[] { 0, 0x2b, 0, 3, 2, 3, 4 }); // supported_versions: TLS 1.3
        foreach (var name in new[] { serverName, duplicateSni })
        {
            if (name is not null)
            {
                var bytes = Encoding.ASCII.GetBytes(name);
                var list = new List<byte> { 0 };
                list.AddRange(U16(bytes.Length));
                list.AddRange(bytes);
                extensions.AddRange(U16(0));
                extensions.AddRange(U16(list.Count + 2));
                extensions.AddRange(U16(list.Count));
                extensions.AddRange(list);
            }
        }

        body.AddRange(U16(extensions.Count));
        body.AddRange(extensions);
        var message = new List<byte> { 1, 0 };
        message.AddRange(U16(body.Count));
        message.AddRange(body);
        return [.. message];
    }

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var memory = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
