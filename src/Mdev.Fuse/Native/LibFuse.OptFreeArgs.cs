using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_opt_free_args(struct fuse_args *args)</c>: frees the argument vector when libfuse allocated it.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_opt_free_args")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial void OptFreeArgs(FuseArgs* args);
}
