using System.Buffers;
using System.Buffers.Binary;
using Orleans.Serialization;

namespace DistCache.DataPort;

/// <summary>
/// The data port's framing: a 4-byte little-endian length of what follows, an 8-byte call id, a 1-byte
/// kind, then the payload in Orleans' serialization format: a <see cref="DataPortRequest"/> or a
/// <see cref="DataPortReply"/>. A side that reads anything else closes the connection.
/// </summary>
internal static class DataPortFrame
{
    public const int HeaderLength = 13;
    public const byte Request = 1;
    public const byte Reply = 2;

    /// <summary>The most operations a client puts in one frame.</summary>
    public const int MaxOperations = 256;

    /// <summary>The largest frame a client reads, 1 GiB; a silo bounds the frames it reads by its largest value.</summary>
    public const int MaxLength = 1 << 30;

    /// <summary>Serializes one frame into a pooled buffer; the caller sends it and then returns it.</summary>
    public static PooledFrame Write<T>(Serializer serializer, long callId, byte kind, T payload)
    {
        var frame = new PooledFrame();
        frame.Advance(HeaderLength);
        serializer.Serialize(payload, frame);
        var span = frame.Written.Span;
        BinaryPrimitives.WriteInt32LittleEndian(span, span.Length - 4);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], callId);
        span[12] = kind;
        return frame;
    }

    /// <summary>Takes one whole frame off the front of <paramref name="buffer"/>, if it holds one; a frame longer than <paramref name="maxLength"/> is bad input.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, long maxLength, out long callId, out byte kind, out ReadOnlySequence<byte> payload)
    {
        (callId, kind, payload) = (0, 0, default);
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < HeaderLength - 4 || length > Math.Min(maxLength, MaxLength))
        {
            throw new InvalidDataException($"Data port frame length {length} is outside {HeaderLength - 4} to {Math.Min(maxLength, MaxLength)} bytes.");
        }

        if (buffer.Length < 4 + (long)length)
        {
            return false;
        }

        callId = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
        kind = header[12];
        payload = buffer.Slice(HeaderLength, length - (HeaderLength - 4));
        buffer = buffer.Slice(4 + (long)length);
        return true;
    }
}
