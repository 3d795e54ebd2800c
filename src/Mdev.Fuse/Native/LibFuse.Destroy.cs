using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_destroy(struct fuse *f)</c>: frees the filesystem object and its session.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_destroy")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void Destroy(nint fuse);
}
