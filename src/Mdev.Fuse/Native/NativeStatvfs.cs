using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct statvfs</c> of glibc on x86-64 (<c>bits/statvfs.h</c>): 112 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeStatvfs
{
    /// <summary><c>f_bsize</c> (offset 0).</summary>
    public ulong BlockSize;

    /// <summary><c>f_frsize</c> (offset 8).</summary>
    public ulong FragmentSize;

    /// <summary><c>f_blocks</c> (offset 16).</summary>
    public ulong Blocks;

    /// <summary><c>f_bfree</c> (offset 24).</summary>
    public ulong BlocksFree;

    /// <summary><c>f_bavail</c> (offset 32).</summary>
    public ulong BlocksAvailable;

    /// <summary><c>f_files</c> (offset 40).</summary>
    public ulong Files;

    /// <summary><c>f_ffree</c> (offset 48).</summary>
    public ulong FilesFree;

    /// <summary><c>f_favail</c> (offset 56).</summary>
    public ulong FilesAvailable;

    /// <summary><c>f_fsid</c> (offset 64).</summary>
    public ulong FsId;

    /// <summary><c>f_flag</c> (offset 72).</summary>
    public ulong Flags;

    /// <summary><c>f_namemax</c> (offset 80).</summary>
    public ulong NameMax;

    /// <summary><c>__f_spare[6]</c> (offset 88).</summary>
    public fixed int Spare[6];
}
