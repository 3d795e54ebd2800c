using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_entry_param</c> (fuse_lowlevel.h, libfuse 3.14): 176 bytes on x86-64; the answer to a lookup.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseEntryParam
{
    /// <summary><c>fuse_ino_t ino</c> (offset 0): the node id; 0 would be a cached negative entry.</summary>
    public ulong Ino;

    /// <summary><c>uint64_t generation</c> (offset 8): node ids are never reused, so always 0.</summary>
    public ulong Generation;

    /// <summary><c>struct stat attr</c> (offset 16).</summary>
    public NativeStat Attr;

    /// <summary><c>double attr_timeout</c> (offset 160): seconds the kernel may keep the attributes.</summary>
    public double AttrTimeout;

    /// <summary><c>double entry_timeout</c> (offset 168): seconds the kernel may keep the name.</summary>
    public double EntryTimeout;
}
