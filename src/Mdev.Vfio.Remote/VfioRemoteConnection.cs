using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Mdev.Core;
using Mdev.Vfio.Remote.Native;

namespace Mdev.Vfio.Remote;

/// <summary>
/// One connected process: its own <see cref="VfioProcess"/> (fd table), the eventfds it sent, and the thread that
/// answers its requests one by one. EOF (the VMM exited or was killed), an I/O error or a reply that cannot be sent
/// ends it, and the end is the process's exit: every descriptor it held is closed as the kernel closes them (device
/// files first, so the vendor's Release runs, then groups, then containers with their mappings).
/// </summary>
/// <remarks>Only the connection's thread touches its state; the bridges guard their own.</remarks>
internal sealed class VfioRemoteConnection
{
    private const uint SetIrqs = VfioIoctl.DeviceSetIrqs;
    private const uint DataEventFd = 1 << 2;
    private const uint ActionTrigger = 1 << 5;
    private const int ControlSize = 16 + (4 * RemoteRequest.MaxFds); // CMSG_SPACE(4 * MV_MAX_FDS)

    private readonly int _socket;
    private readonly VfioProcess _process;
    private readonly Dictionary<int, EventFdBridge> _triggers = [];
    private readonly List<EventFdBridge> _listeners = [];
    private readonly Action<VfioRemoteConnection, Exception?> _ended;
    private readonly Thread _thread;

    public VfioRemoteConnection(VfioModule module, int socket, int pid, Action<VfioRemoteConnection, Exception?> ended)
    {
        _socket = socket;
        Pid = pid;
        _ended = ended;
        _process = module.CreateOutsideProcess(new PeerMemory(pid));
        _thread = new Thread(Run) { IsBackground = true, Name = $"vfio-remote pid {pid}" };
    }

    /// <summary>The peer's pid (<c>SO_PEERCRED</c>).</summary>
    public int Pid { get; }

    /// <summary>Starts answering.</summary>
    public void Start() => _thread.Start();

    /// <summary>Ends the conversation from the server's side (the thread sees EOF and cleans up) and waits for it.</summary>
    public void Stop()
    {
        LibC.Shutdown(_socket, LibC.ShutRdwr);
        _thread.Join();
    }

    private unsafe void Run()
    {
        var request = new byte[RemoteRequest.HeaderSize + RemoteRequest.MaxPayload];
        var reply = new byte[RemoteRequest.ReplyHeaderSize + RemoteRequest.MaxPayload];
        var control = new byte[ControlSize];
        var fds = new List<int>(RemoteRequest.MaxFds);
        Exception? fault = null;
        try
        {
            while (true)
            {
                nint n;
                int flags;
                fixed (byte* req = request, ctl = control)
                {
                    var iov = new IoVec { Base = req, Length = (nuint)request.Length };
                    var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = ctl, ControlLength = ControlSize };
                    n = LibC.RecvMsg(_socket, &msg, LibC.MsgCmsgCloexec);
                    flags = msg.Flags;
                    if (n > 0)
                    {
                        CollectFds(control, (int)msg.ControlLength, fds);
                    }
                }

                if (n == 0)
                {
                    return; // EOF: the process is gone
                }

                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == LibC.Eintr)
                    {
                        continue;
                    }

                    return;
                }

                int length = Answer(request.AsSpan(0, (int)n), flags, fds, reply);
                fixed (byte* rep = reply)
                {
                    var iov = new IoVec { Base = rep, Length = (nuint)length };
                    var msg = new MsgHdr { Iov = &iov, IovLength = 1 };
                    if (LibC.SendMsg(_socket, &msg, LibC.MsgNosignal) != length)
                    {
                        return; // the peer is gone (EPIPE) or the socket broke
                    }
                }
            }
        }
        catch (Exception ex)
        {
            fault = ex; // a bug below us (not a kernel errno): this client alone is disconnected, and the server says so
        }
        finally
        {
            Exit();
            _ended(this, fault);
        }
    }

    /// <summary>Answers one message; every received descriptor is either owned by a bridge or closed here.</summary>
    internal int Answer(Span<byte> message, int flags, List<int> fds, Span<byte> reply)
    {
        Errno error;
        long result = 0;
        int payload = 0;
        try
        {
            RemoteRequest request = default;
            error = (flags & (LibC.MsgTrunc | LibC.MsgCtrunc)) != 0 ? Errno.E2BIG : RemoteRequest.TryDecode(message, out request);
            if (error == 0)
            {
                try
                {
                    result = Dispatch(request, fds, reply[RemoteRequest.ReplyHeaderSize..], out payload);
                }
                catch (MdevException ex)
                {
                    error = ex.Errno;
                    payload = 0;
                }
            }
        }
        finally
        {
            foreach (var fd in fds)
            {
                if (fd >= 0)
                {
                    LibC.Close(fd);
                }
            }

            fds.Clear();
        }

        return RemoteRequest.WriteReply(reply, error, error == 0 ? result : 0, error == 0 ? payload : 0);
    }

    private long Dispatch(RemoteRequest request, List<int> fds, Span<byte> output, out int payload)
    {
        payload = 0;
        if (fds.Count > 0 && !(request.Op == RemoteOp.Ioctl && request.Request == SetIrqs))
        {
            throw new MdevException(Errno.EBADF, $"{request.Op}: {fds.Count} descriptor(s) sent with a request that takes none");
        }

        switch (request.Op)
        {
            case RemoteOp.Open:
                int nul = request.Payload.IndexOf((byte)0);
                if (nul < 0)
                {
                    throw new MdevException(Errno.EINVAL, "open: the path is not NUL-terminated");
                }

                return _process.Open(Encoding.UTF8.GetString(request.Payload[..nul]));
            case RemoteOp.Close:
                _process.Close(request.Fd);
                return 0;
            case RemoteOp.Ioctl when request.Payload.IsEmpty:
                return _process.Ioctl(request.Fd, request.Request, request.Arg);
            case RemoteOp.Ioctl:
                if (request.Request == SetIrqs)
                {
                    BridgeEventFds(request.Fd, request.Payload, fds);
                }

                long r = _process.Ioctl(request.Fd, request.Request, request.Payload);
                request.Payload.CopyTo(output);
                payload = request.Payload.Length;
                return r;
            case RemoteOp.Pread:
                payload = _process.Pread(request.Fd, output[..CheckCount(request)], (long)request.Arg);
                return payload;
            case RemoteOp.Pwrite:
                return _process.Pwrite(request.Fd, request.Payload, (long)request.Arg);
            case RemoteOp.Read: // a migration data_fd (the model's stream); other files answer EINVAL
                payload = _process.Read(request.Fd, output[..CheckCount(request)]);
                return payload;
            default: // Write
                return _process.Write(request.Fd, request.Payload);
        }
    }

    private static int CheckCount(RemoteRequest request) => request.Request <= RemoteRequest.MaxPayload
        ? (int)request.Request
        : throw new MdevException(Errno.EINVAL, $"{request.Op} of {request.Request} bytes: at most {RemoteRequest.MaxPayload} per message");

    /// <summary>
    /// SET_IRQS with DATA_EVENTFD: each non-negative eventfd number of the payload takes the next received descriptor;
    /// the number is replaced by the model eventfd's descriptor that the bridge keeps joined to it.
    /// </summary>
    private void BridgeEventFds(int deviceFd, Span<byte> payload, List<int> fds)
    {
        const int data = 20;
        if (payload.Length < data || (BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) & DataEventFd) == 0)
        {
            if (fds.Count > 0)
            {
                throw new MdevException(Errno.EBADF, $"set irqs on fd {deviceFd}: descriptors sent without DATA_EVENTFD");
            }

            return;
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(payload[16..]);
        int next = 0;
        for (int i = 0; i < count && data + (4 * (i + 1)) <= payload.Length; i++)
        {
            var slot = payload.Slice(data + (4 * i), 4);
            int number = BinaryPrimitives.ReadInt32LittleEndian(slot);
            if (number < 0)
            {
                continue; // -1 tears the vector down
            }

            if (next == fds.Count)
            {
                throw new MdevException(Errno.EBADF, $"set irqs on fd {deviceFd}: eventfd {number} was not sent along");
            }

            int kernelFd = fds[next];
            if (!IsEventFd(kernelFd))
            {
                throw new MdevException(Errno.EINVAL, $"set irqs on fd {deviceFd}: fd {number} is not an eventfd");
            }

            fds[next++] = -1; // owned by a bridge from here on
            BinaryPrimitives.WriteInt32LittleEndian(slot, Bridge(number, kernelFd, (flags & ActionTrigger) != 0).ModelFd);
        }

        if (next != fds.Count)
        {
            throw new MdevException(Errno.EBADF, $"set irqs on fd {deviceFd}: {fds.Count - next} descriptor(s) more than eventfd numbers");
        }
    }

    private EventFdBridge Bridge(int number, int kernelFd, bool trigger)
    {
        if (trigger && _triggers.TryGetValue(number, out var known))
        {
            known.Replace(kernelFd);
            return known;
        }

        int modelFd = _process.EventFd();
        var bridge = new EventFdBridge(_process.GetEventFd(modelFd), modelFd, kernelFd, trigger);
        if (trigger)
        {
            _triggers.Add(number, bridge);
        }
        else
        {
            _listeners.Add(bridge);
        }

        return bridge;
    }

    private static bool IsEventFd(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget == "anon_inode:[eventfd]";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void CollectFds(ReadOnlySpan<byte> control, int length, List<int> fds)
    {
        // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } followed by the data, 8-byte aligned.
        int offset = 0;
        while (offset + 16 <= length)
        {
            int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
            if (len < 16 || offset + len > length)
            {
                return;
            }

            if (BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]) == LibC.SolSocket &&
                BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]) == LibC.ScmRights)
            {
                for (int p = offset + 16; p + 4 <= offset + len; p += 4)
                {
                    fds.Add(BinaryPrimitives.ReadInt32LittleEndian(control[p..]));
                }
            }

            offset += (len + 7) & ~7;
        }
    }

    /// <summary>Process exit: every descriptor closed, the bridges stopped, the socket closed.</summary>
    private void Exit()
    {
        _process.Dispose();
        foreach (var bridge in _triggers.Values.Concat(_listeners))
        {
            bridge.Dispose();
        }

        LibC.Close(_socket);
    }
}
