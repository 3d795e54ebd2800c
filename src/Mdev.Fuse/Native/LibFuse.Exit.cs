using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_exit(struct fuse *f)</c>: flags the session as exited; each worker stops after its current request.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_exit")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void Exit(FuseHandle fuse);
}
