using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nethical.Gateway.Egress;

/// <summary>What reading the first bytes of a tunnel as a TLS ClientHello gave.</summary>
internal enum TlsHelloStatus
{
    /// <summary>The ClientHello is not complete yet: read more.</summary>
    NeedMore,

    /// <summary>The bytes are not a TLS handshake: not ours to judge.</summary>
    NotTls,

    /// <summary>A complete ClientHello was read; the server name, if any, was found.</summary>
    Parsed,

    /// <summary>A TLS handshake that does not parse, or exceeds our bounds.</summary>
    Malformed,
}

/// <summary>
/// Reads the server name (SNI) from a TLS ClientHello without terminating TLS: the handshake message is gathered from
/// as many handshake records as it spans (bounded), then walked field by field with every length checked.
/// </summary>
internal static class TlsClientHello
{
    /// <summary>The most bytes we wait for before giving up on finding the end of the ClientHello.</summary>
    public const int MaxBytes = 64 * 1024;

    private const byte HandshakeRecord = 0x16;
    private const byte ClientHelloMessage = 0x01;
    private const int RecordHeaderLength = 5;
    private const int MaxRecordLength = (1 << 14) + 2048;
    private const ushort ServerNameExtension = 0;

    public static TlsHelloStatus TryGetServerName(in ReadOnlySequence<byte> buffer, out string? serverName)
    {
        var length = (int)Math.Min(buffer.Length, MaxBytes);
        if (buffer.IsSingleSegment)
        {
            return TryGetServerName(buffer.FirstSpan[..length], out serverName);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(0, length).CopyTo(rented);
            return TryGetServerName(rented.AsSpan(0, length), out serverName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static TlsHelloStatus TryGetServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        if (data.Length == 0)
        {
            return TlsHelloStatus.NeedMore;
        }

        if (data[0] != HandshakeRecord || (data.Length > 1 && data[1] != 3))
        {
            return TlsHelloStatus.NotTls;
        }

        // Gather the handshake message's bytes from consecutive handshake records.
        var handshake = ArrayPool<byte>.Shared.Rent(MaxBytes);
        try
        {
            var gathered = 0;
            var offset = 0;
            while (true)
            {
                if (data.Length - offset < RecordHeaderLength)
                {
                    return data.Length >= MaxBytes ? TlsHelloStatus.Malformed : TlsHelloStatus.NeedMore;
                }

                if (data[offset] != HandshakeRecord || data[offset + 1] != 3)
                {
                    return TlsHelloStatus.Malformed;
                }

                int recordLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 3, 2));
                if (recordLength == 0 || recordLength > MaxRecordLength)
                {
                    return TlsHelloStatus.Malformed;
                }

                if (data.Length - offset - RecordHeaderLength < recordLength)
                {
                    return offset + RecordHeaderLength + recordLength > MaxBytes ? TlsHelloStatus.Malformed : TlsHelloStatus.NeedMore;
                }

                if (gathered + recordLength > MaxBytes)
                {
                    return TlsHelloStatus.Malformed;
                }

                data.Slice(offset + RecordHeaderLength, recordLength).CopyTo(handshake.AsSpan(gathered));
                gathered += recordLength;
                offset += RecordHeaderLength + recordLength;

                if (gathered >= 4)
                {
                    if (handshake[0] != ClientHelloMessage)
                    {
                        return TlsHelloStatus.Malformed;
                    }

                    var messageLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
                    if (messageLength > MaxBytes - 4)
                    {
                        return TlsHelloStatus.Malformed;
                    }

                    if (gathered >= 4 + messageLength)
                    {
                        return ParseClientHello(handshake.AsSpan(4, messageLength), out serverName);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(handshake);
        }
    }

    private static TlsHelloStatus ParseClientHello(ReadOnlySpan<byte> hello, out string? serverName)
    {
        serverName = null;

        // legacy_version (2), random (32)
        if (!Skip(ref hello, 2 + 32)
            || !SkipVector8(ref hello)            // legacy_session_id
            || !SkipVector16(ref hello)           // cipher_suites
            || !SkipVector8(ref hello))           // legacy_compression_methods
        {
            return TlsHelloStatus.Malformed;
        }

        if (hello.IsEmpty)
        {
            return TlsHelloStatus.Parsed;
        }

        if (!ReadVector16(ref hello, out var extensions) || !hello.IsEmpty)
        {
            return TlsHelloStatus.Malformed;
        }

        var found = false;
        while (!extensions.IsEmpty)
        {
            if (extensions.Length < 4)
            {
                return TlsHelloStatus.Malformed;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            extensions = extensions[2..];
            if (!ReadVector16(ref extensions, out var extension))
            {
                return TlsHelloStatus.Malformed;
            }

            if (type != ServerNameExtension)
            {
                continue;
            }

            // Two server_name extensions are illegal; a server and this parser might pick different ones.
            if (found)
            {
                return TlsHelloStatus.Malformed;
            }

            found = true;
            if (!ReadVector16(ref extension, out var names) || !extension.IsEmpty)
            {
                return TlsHelloStatus.Malformed;
            }

            while (!names.IsEmpty)
            {
                var nameType = names[0];
                names = names[1..];
                if (!ReadVector16(ref names, out var name))
                {
                    return TlsHelloStatus.Malformed;
                }

                if (nameType != 0)
                {
                    continue;
                }

                if (serverName is not null || !IsHostName(name))
                {
                    return TlsHelloStatus.Malformed;
                }

                serverName = Encoding.ASCII.GetString(name).TrimEnd('.').ToLowerInvariant();
            }
        }

        return TlsHelloStatus.Parsed;
    }

    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > 255)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Skip(ref ReadOnlySpan<byte> span, int count)
    {
        if (span.Length < count)
        {
            return false;
        }

        span = span[count..];
        return true;
    }

    private static bool SkipVector8(ref ReadOnlySpan<byte> span)
    {
        if (span.IsEmpty)
        {
            return false;
        }

        int length = span[0];
        return Skip(ref span, 1 + length);
    }

    private static bool SkipVector16(ref ReadOnlySpan<byte> span) => ReadVector16(ref span, out _);

    private static bool ReadVector16(ref ReadOnlySpan<byte> span, out ReadOnlySpan<byte> vector)
    {
        vector = default;
        if (span.Length < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(span);
        if (span.Length < 2 + length)
        {
            return false;
        }

        vector = span.Slice(2, length);
        span = span[(2 + length)..];
        return true;
    }
}
