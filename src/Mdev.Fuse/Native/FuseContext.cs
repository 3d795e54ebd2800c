using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_context</c> (fuse.h): 40 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseContext
{
    /// <summary><c>struct fuse *fuse</c> (offset 0).</summary>
    public nint Fuse;

    /// <summary><c>uid_t uid</c> (offset 8): the caller's effective uid.</summary>
    public uint Uid;

    /// <summary><c>gid_t gid</c> (offset 12).</summary>
    public uint Gid;

    /// <summary><c>pid_t pid</c> (offset 16): the calling thread's id.</summary>
    public int Pid;

    /// <summary><c>void *private_data</c> (offset 24): what <c>fuse_new</c> and <c>init</c> were given.</summary>
    public void* PrivateData;

    /// <summary><c>mode_t umask</c> (offset 32).</summary>
    public uint Umask;
}
