using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_session_exit(struct fuse_session *se)</c>: flags the session as exited; each worker stops after its current request.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_session_exit")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void SessionExit(FuseSessionHandle session);
}
