using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>struct fuse_context *fuse_get_context(void)</c>: the calling worker's request context.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_get_context")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial FuseContext* GetContext();
}
