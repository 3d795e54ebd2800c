using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_session_unmount(struct fuse_session *se)</c>: closes the <c>/dev/fuse</c> descriptor (aborting the connection) and unmounts lazily; idempotent.</summary>
    [LibraryImport(Library, EntryPoint = "fuse_session_unmount")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void SessionUnmount(nint session);
}
