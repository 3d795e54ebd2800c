using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct timespec</c>: 16 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    /// <summary><c>time_t tv_sec</c>.</summary>
    public long Seconds;

    /// <summary><c>long tv_nsec</c>.</summary>
    public long Nanoseconds;
}
