using System.Buffers.Binary;
using System.Net.Sockets;
using Mdev.Core;
using Mdev.Vfio.Remote.Tests.Support;

namespace Mdev.Vfio.Remote.Tests;

/// <summary>Malformed frames get an errno or a clean disconnect of that client alone; the decoder survives fuzzing.</summary>
public sealed class FrameTests
{
    [Fact]
    public async Task Fuzz_OneHundredThousandRandomFrames_AreAnsweredWithoutAnUnhandledException()
    {
        await using var host = new RemoteHost();
        host.Create(Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa4001"));
        var connection = new VfioRemoteConnection(host.Vfio, socket: -1, pid: Environment.ProcessId, (_, _) => { });
        var random = new Random(20261202);
        var frame = new byte[RemoteRequest.HeaderSize + 256];
        var reply = new byte[RemoteRequest.ReplyHeaderSize + RemoteRequest.MaxPayload];
        var fds = new List<int>();
        var answered = new Dictionary<int, int>();
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(0, frame.Length + 1);
            random.NextBytes(frame.AsSpan(0, length));
            if (length >= RemoteRequest.HeaderSize && random.Next(4) != 0)
            {
                // Mostly well-formed headers, so the dispatcher (not only the decoder) sees random requests.
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)random.Next(0, 9)); // 0 and 8: unknown ops
                BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), random.Next(-1, 8));
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), random.Next(2) == 0 ? (uint)(0x3B64 + random.Next(0, 20)) : (uint)random.Next(0, 64));
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), (uint)(length - RemoteRequest.HeaderSize));
                BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(16), (ulong)random.Next(0, 0x200));
            }

            int n = connection.Answer(frame.AsSpan(0, length), 0, fds, reply);
            n.Should().BeGreaterThanOrEqualTo(RemoteRequest.ReplyHeaderSize);
            int error = BinaryPrimitives.ReadInt32LittleEndian(reply);
            answered[error] = answered.GetValueOrDefault(error) + 1;
        }

        answered.Should().ContainKey((int)Errno.EINVAL).And.ContainKey((int)Errno.ENOSYS).And.ContainKey((int)Errno.EBADF);
        answered.Keys.Should().OnlyContain(e => e >= 0 && e < 134, "every answer is 0 or a Linux errno");
    }

    [Fact]
    public void TheCHeader_AndTheCSharpMirror_AgreeOnEveryOpAndLimit()
    {
        var header = File.ReadAllText(Path.Join(AppContext.BaseDirectory, "native", "mdev_vfio_proto.h"));
        var defines = System.Text.RegularExpressions.Regex.Matches(header, @"^#define (MV_\w+) (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        var ops = defines.Where(d => d.Key.StartsWith("MV_OP_", StringComparison.Ordinal)).ToDictionary(d => d.Key["MV_OP_".Length..], d => d.Value);
        ops.Should().HaveCount(Enum.GetValues<RemoteOp>().Length);
        foreach (var op in Enum.GetValues<RemoteOp>())
        {
            ops.Should().Contain(op.ToString().ToUpperInvariant(), (long)op, $"MV_OP_{op.ToString().ToUpperInvariant()} is RemoteOp.{op}");
        }

        defines["MV_MAX_PAYLOAD"].Should().Be(RemoteRequest.MaxPayload);
        defines["MV_MAX_FDS"].Should().Be(RemoteRequest.MaxFds);
    }

    [Fact]
    public async Task MalformedFrames_OverTheSocket_GetErrnoAnswers_AndOtherClientsGoOn()
    {
        await using var host = new RemoteHost();
        using var bad = Connect(host);
        using var good = Connect(host);

        Ask(bad, [1, 2, 3]).Should().Be(Errno.EINVAL, "a frame shorter than the header");
        Ask(bad, Frame(99, -1, 0, 0, [])).Should().Be(Errno.ENOSYS, "an unknown op");
        Ask(bad, Frame(3, 42, 0x3B67, 0, new byte[8])).Should().Be(Errno.EBADF, "an fd the client never opened");
        var lying = Frame(3, 42, 0x3B67, 0, new byte[8]);
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(12), 0xFFFF_FFF0);
        Ask(bad, lying).Should().Be(Errno.EINVAL, "a length field that disagrees with the frame");
        Ask(bad, Frame(1, -1, 0, 0, "/dev/vfio/vfio"u8.ToArray())).Should().Be(Errno.EINVAL, "a path without its NUL");

        // An argsz far beyond what was sent: the model sees the bytes that arrived and answers as the kernel would.
        var info = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 0xFFFF_FFFF);
        Ask(good, Frame(1, -1, 0, 0, "/dev/vfio/vfio\0"u8.ToArray())).Should().Be((Errno)0);
        Ask(good, Frame(3, 3, 0x3B70, 0, info)).Should().Be(Errno.EINVAL, "IOMMU_GET_INFO (absurd argsz) before SET_IOMMU");
        Ask(bad, Frame(1, -1, 0, 0, "/dev/vfio/vfio\0"u8.ToArray())).Should().Be((Errno)0, "the bad client is still served");

        // Oversized message: the server's buffer truncates it, the answer is E2BIG, and the connection goes on.
        Ask(bad, Frame(5, 3, 0, 0, new byte[RemoteRequest.MaxPayload + 100])).Should().Be(Errno.E2BIG);
        Ask(bad, Frame(3, 3, 0x3B64, 0, [])).Should().Be((Errno)0, "GET_API_VERSION still answers");
        host.Server.ConnectedPids.Should().HaveCount(2);
    }

    private static Socket Connect(RemoteHost host)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(host.Server.SocketPath));
        return socket;
    }

    private static byte[] Frame(uint op, int fd, uint request, ulong arg, byte[] payload)
    {
        var frame = new byte[RemoteRequest.HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, op);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), fd);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), request);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(16), arg);
        payload.CopyTo(frame, RemoteRequest.HeaderSize);
        return frame;
    }

    private static Errno Ask(Socket socket, byte[] frame)
    {
        socket.Send(frame);
        var reply = new byte[RemoteRequest.ReplyHeaderSize + RemoteRequest.MaxPayload];
        socket.ReceiveTimeout = 60_000;
        int n = socket.Receive(reply);
        n.Should().BeGreaterThanOrEqualTo(RemoteRequest.ReplyHeaderSize);
        BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(4)).Should().Be((uint)(n - RemoteRequest.ReplyHeaderSize));
        return (Errno)BinaryPrimitives.ReadInt32LittleEndian(reply);
    }
}
