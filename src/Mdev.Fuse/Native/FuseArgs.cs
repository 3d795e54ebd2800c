using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_args</c> (fuse_opt.h): 24 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    /// <summary><c>int argc</c> (offset 0).</summary>
    public int Argc;

    /// <summary><c>char **argv</c> (offset 8), NULL-terminated.</summary>
    public byte** Argv;

    /// <summary><c>int allocated</c> (offset 16): whether libfuse owns <see cref="Argv"/>.</summary>
    public int Allocated;
}
