using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct stat</c> of glibc on x86-64 (<c>bits/struct_stat.h</c>): 144 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeStat
{
    /// <summary><c>S_IFDIR</c>.</summary>
    public const uint DirectoryType = 0x4000;

    /// <summary><c>S_IFREG</c>.</summary>
    public const uint RegularType = 0x8000;

    /// <summary><c>S_IFLNK</c>.</summary>
    public const uint SymlinkType = 0xA000;

    /// <summary><c>st_dev</c> (offset 0).</summary>
    public ulong Dev;

    /// <summary><c>st_ino</c> (offset 8).</summary>
    public ulong Ino;

    /// <summary><c>st_nlink</c> (offset 16).</summary>
    public ulong Nlink;

    /// <summary><c>st_mode</c> (offset 24): file type and permission bits.</summary>
    public uint Mode;

    /// <summary><c>st_uid</c> (offset 28).</summary>
    public uint Uid;

    /// <summary><c>st_gid</c> (offset 32).</summary>
    public uint Gid;

    /// <summary><c>__pad0</c> (offset 36).</summary>
    public int Pad0;

    /// <summary><c>st_rdev</c> (offset 40).</summary>
    public ulong Rdev;

    /// <summary><c>st_size</c> (offset 48).</summary>
    public long Size;

    /// <summary><c>st_blksize</c> (offset 56).</summary>
    public long BlockSize;

    /// <summary><c>st_blocks</c> (offset 64).</summary>
    public long Blocks;

    /// <summary><c>st_atim</c> (offset 72).</summary>
    public Timespec AccessTime;

    /// <summary><c>st_mtim</c> (offset 88).</summary>
    public Timespec ModificationTime;

    /// <summary><c>st_ctim</c> (offset 104).</summary>
    public Timespec ChangeTime;

    /// <summary><c>__glibc_reserved[3]</c> (offset 120).</summary>
    public fixed long Reserved[3];
}
