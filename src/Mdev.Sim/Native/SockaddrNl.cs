using System.Runtime.InteropServices;

namespace Mdev.Samples.Host.Native;

/// <summary><c>struct sockaddr_nl</c> (include/uapi/linux/netlink.h): 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNl
{
    /// <summary><c>nl_family</c>: <c>AF_NETLINK</c>.</summary>
    public ushort Family;

    /// <summary><c>nl_pad</c>.</summary>
    public ushort Pad;

    /// <summary><c>nl_pid</c>: 0 for the kernel (or no unicast peer).</summary>
    public uint Pid;

    /// <summary><c>nl_groups</c>: the multicast groups, a bit mask.</summary>
    public uint Groups;
}
