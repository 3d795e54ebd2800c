using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

/// <summary><c>struct iovec</c>: 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    /// <summary><c>void *iov_base</c>.</summary>
    public void* Base;

    /// <summary><c>size_t iov_len</c>.</summary>
    public nuint Length;
}

/// <summary><c>struct msghdr</c>: 56 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    /// <summary><c>void *msg_name</c> (offset 0).</summary>
    public void* Name;

    /// <summary><c>socklen_t msg_namelen</c> (offset 8).</summary>
    public uint NameLength;

    /// <summary><c>struct iovec *msg_iov</c> (offset 16).</summary>
    public IoVec* Iov;

    /// <summary><c>size_t msg_iovlen</c> (offset 24).</summary>
    public nuint IovLength;

    /// <summary><c>void *msg_control</c> (offset 32).</summary>
    public void* Control;

    /// <summary><c>size_t msg_controllen</c> (offset 40).</summary>
    public nuint ControlLength;

    /// <summary><c>int msg_flags</c> (offset 48).</summary>
    public int Flags;
}

/// <summary><c>struct sockaddr_un</c>: 110 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockaddrUn
{
    /// <summary>The largest path, NUL excluded.</summary>
    public const int MaxPath = 107;

    /// <summary><c>sa_family_t sun_family</c>.</summary>
    public ushort Family;

    /// <summary><c>char sun_path[108]</c>.</summary>
    public fixed byte Path[108];
}

/// <summary><c>struct ucred</c> (SO_PEERCRED): 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UCred
{
    /// <summary><c>pid_t pid</c>.</summary>
    public int Pid;

    /// <summary><c>uid_t uid</c>.</summary>
    public uint Uid;

    /// <summary><c>gid_t gid</c>.</summary>
    public uint Gid;
}

/// <summary><c>struct pollfd</c>: 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    /// <summary><c>int fd</c>.</summary>
    public int Fd;

    /// <summary><c>short events</c>.</summary>
    public short Events;

    /// <summary><c>short revents</c>.</summary>
    public short Revents;
}
