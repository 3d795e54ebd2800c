using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_conn_info</c> (fuse_common.h, libfuse 3.14): 128 bytes on x86-64; what <c>init</c> may ask of the kernel.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConnInfo
{
    /// <summary><c>FUSE_CAP_CACHE_SYMLINKS</c>: the kernel keeps a symlink's target in its page cache.</summary>
    public const uint CacheSymlinks = 1u << 23;

    /// <summary><c>unsigned proto_major</c> (offset 0).</summary>
    public uint ProtoMajor;

    /// <summary><c>unsigned proto_minor</c> (offset 4).</summary>
    public uint ProtoMinor;

    /// <summary><c>unsigned max_write</c> (offset 8).</summary>
    public uint MaxWrite;

    /// <summary><c>unsigned max_read</c> (offset 12).</summary>
    public uint MaxRead;

    /// <summary><c>unsigned max_readahead</c> (offset 16).</summary>
    public uint MaxReadahead;

    /// <summary><c>unsigned capable</c> (offset 20): what the kernel supports.</summary>
    public uint Capable;

    /// <summary><c>unsigned want</c> (offset 24): what the filesystem asks for.</summary>
    public uint Want;

    /// <summary><c>unsigned max_background</c> (offset 28).</summary>
    public uint MaxBackground;

    /// <summary><c>unsigned congestion_threshold</c> (offset 32).</summary>
    public uint CongestionThreshold;

    /// <summary><c>unsigned time_gran</c> (offset 36).</summary>
    public uint TimeGranularity;

    /// <summary><c>unsigned reserved[22]</c> (offset 40).</summary>
    public fixed uint Reserved[22];
}
