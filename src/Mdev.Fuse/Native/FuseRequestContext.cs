using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_ctx</c> (fuse_lowlevel.h): 16 bytes on x86-64; who made a request.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseRequestContext
{
    /// <summary><c>uid_t uid</c> (offset 0): the caller's effective uid.</summary>
    public uint Uid;

    /// <summary><c>gid_t gid</c> (offset 4).</summary>
    public uint Gid;

    /// <summary><c>pid_t pid</c> (offset 8): the calling thread's id.</summary>
    public int Pid;

    /// <summary><c>mode_t umask</c> (offset 12).</summary>
    public uint Umask;
}
