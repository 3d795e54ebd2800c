using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_session_destroy(struct fuse_session *se)</c>: frees the session.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_session_destroy")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void SessionDestroy(nint session);
}
