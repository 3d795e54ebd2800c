using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_session_mount(struct fuse_session *se, const char *mountpoint)</c>: opens <c>/dev/fuse</c> and mounts.</summary>
    /// <returns>0 on success, -1 on failure (libfuse logs the reason to stderr).</returns>
    [LibraryImport(Library, EntryPoint = "fuse_session_mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int SessionMount(FuseSessionHandle session, string mountPoint);
}
