using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_mount(struct fuse *f, const char *mountpoint)</c>: opens <c>/dev/fuse</c> and mounts (through <c>fusermount3</c> when <c>auto_unmount</c> is set).</summary>
    /// <returns>0 on success, -1 on failure (libfuse logs the reason to stderr).</returns>
    [LibraryImport(Library, EntryPoint = "fuse_mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int Mount(FuseHandle fuse, string mountPoint);
}
