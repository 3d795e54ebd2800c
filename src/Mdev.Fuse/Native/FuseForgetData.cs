using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_forget_data</c> (fuse_lowlevel.h): 16 bytes; one node id the kernel drops references to.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseForgetData
{
    /// <summary><c>fuse_ino_t ino</c> (offset 0).</summary>
    public ulong Ino;

    /// <summary><c>uint64_t nlookup</c> (offset 8): how many lookup references go.</summary>
    public ulong Lookups;
}
