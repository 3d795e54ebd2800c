using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_file_info</c> (fuse_common.h, libfuse 3.14): 40 bytes on x86-64.</summary>
/// <remarks>The C bitfields <c>writepage, direct_io, keep_cache, flush, nonseekable, flock_release, cache_readdir,
/// noflush</c> are bits 0..7 of the 32-bit word at offset 4 (gcc, little-endian).</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFileInfo
{
    /// <summary><c>unsigned int direct_io : 1</c>: bypass the page cache for this open file.</summary>
    public const uint DirectIoBit = 1u << 1;

    /// <summary><c>unsigned int keep_cache : 1</c>.</summary>
    public const uint KeepCacheBit = 1u << 2;

    /// <summary><c>int flags</c> (offset 0): the <c>open(2)</c> flags.</summary>
    public int Flags;

    /// <summary>The bitfield word (offset 4).</summary>
    public uint Bits;

    /// <summary><c>unsigned int padding2 : 32</c> (offset 8).</summary>
    public uint Padding2;

    /// <summary><c>uint64_t fh</c> (offset 16): the filesystem's handle for the open file.</summary>
    public ulong Fh;

    /// <summary><c>uint64_t lock_owner</c> (offset 24).</summary>
    public ulong LockOwner;

    /// <summary><c>uint32_t poll_events</c> (offset 32).</summary>
    public uint PollEvents;
}
