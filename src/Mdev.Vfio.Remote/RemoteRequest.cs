using System.Buffers.Binary;
using Mdev.Core;

namespace Mdev.Vfio.Remote;

/// <summary>
/// One request message of the wire protocol, decoded in place (<c>struct mv_request</c> of
/// <c>native/mdev_vfio_proto.h</c>): a 24-byte header (op, fd, request, length, arg) and exactly <c>length</c> payload
/// bytes, at most <see cref="MaxPayload"/>. The reply is a 16-byte header (errno, length, result) and its payload.
/// </summary>
internal readonly ref struct RemoteRequest
{
    /// <summary><c>sizeof(struct mv_request)</c>.</summary>
    public const int HeaderSize = 24;

    /// <summary><c>sizeof(struct mv_reply)</c>.</summary>
    public const int ReplyHeaderSize = 16;

    /// <summary><c>MV_MAX_PAYLOAD</c>.</summary>
    public const int MaxPayload = 65536;

    /// <summary><c>MV_MAX_FDS</c>: descriptors one message may carry.</summary>
    public const int MaxFds = 64;

    private RemoteRequest(RemoteOp op, int fd, uint request, ulong arg, Span<byte> payload)
    {
        Op = op;
        Fd = fd;
        Request = request;
        Arg = arg;
        Payload = payload;
    }

    /// <summary>The operation.</summary>
    public RemoteOp Op { get; }

    /// <summary>The server-side descriptor it acts on.</summary>
    public int Fd { get; }

    /// <summary>The ioctl request number, or the pread or read count.</summary>
    public uint Request { get; }

    /// <summary>The ioctl value, the file offset or the open flags.</summary>
    public ulong Arg { get; }

    /// <summary>The payload, writable in place (ioctl structs are answered from it).</summary>
    public Span<byte> Payload { get; }

    /// <summary>Decodes one whole message; never throws.</summary>
    /// <param name="message">The message as received.</param>
    /// <param name="request">The request when this returns <see cref="Errno"/> 0.</param>
    /// <returns>0, or the errno to answer: <c>EINVAL</c> for a short or inconsistent frame, <c>ENOSYS</c> for an unknown op.</returns>
    public static Errno TryDecode(Span<byte> message, out RemoteRequest request)
    {
        request = default;
        if (message.Length < HeaderSize)
        {
            return Errno.EINVAL;
        }

        uint op = BinaryPrimitives.ReadUInt32LittleEndian(message);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(message[12..]);
        if (length > MaxPayload || length != (uint)(message.Length - HeaderSize))
        {
            return Errno.EINVAL;
        }

        if (op is < (uint)RemoteOp.Open or > (uint)RemoteOp.Write)
        {
            return Errno.ENOSYS;
        }

        request = new RemoteRequest(
            (RemoteOp)op,
            BinaryPrimitives.ReadInt32LittleEndian(message[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(message[16..]),
            message[HeaderSize..]);
        return 0;
    }

    /// <summary>Writes a reply header in front of <paramref name="payloadLength"/> bytes already at <c>reply[16..]</c>.</summary>
    /// <param name="reply">The reply buffer.</param>
    /// <param name="error">0 or the errno.</param>
    /// <param name="result">The call's result.</param>
    /// <param name="payloadLength">The payload bytes.</param>
    /// <returns>The message length.</returns>
    public static int WriteReply(Span<byte> reply, Errno error, long result, int payloadLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(reply, (int)error);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[4..], (uint)payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(reply[8..], result);
        return ReplyHeaderSize + payloadLength;
    }
}
