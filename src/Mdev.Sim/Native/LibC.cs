namespace Mdev.Samples.Host.Native;

/// <summary>The C library calls of <c>mdev-sim run</c>'s udev forwarder (x86-64 Linux constants), one call per file.</summary>
internal static partial class LibC
{
    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;

    /// <summary><c>NETLINK_KOBJECT_UEVENT</c> (include/uapi/linux/netlink.h).</summary>
    public const int NetlinkKobjectUevent = 15;

    public const int MsgDontwait = 0x40;
    public const int Econnrefused = 111;
}
