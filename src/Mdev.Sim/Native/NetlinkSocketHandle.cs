using System.Runtime.InteropServices;

namespace Mdev.Samples.Host.Native;

/// <summary>A netlink socket descriptor, closed once.</summary>
internal sealed class NetlinkSocketHandle : SafeHandle
{
    /// <summary>An invalid handle (the marshaller's and <see cref="Open"/>'s starting point).</summary>
    public NetlinkSocketHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == -1;

    /// <summary><c>socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)</c>; the errno on failure.</summary>
    public static NetlinkSocketHandle Open(int protocol, out int errno)
    {
        var h = new NetlinkSocketHandle();
        int fd = LibC.Socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloexec, protocol);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (fd >= 0)
        {
            h.SetHandle(fd);
        }

        return h;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
