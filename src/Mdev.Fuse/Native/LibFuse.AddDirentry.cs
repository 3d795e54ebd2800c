using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize, const char *name, const struct stat *stbuf, off_t off)</c>: appends one entry (only <c>st_ino</c> and the type bits of <c>st_mode</c> are used) if it fits.</summary>
    /// <returns>The entry's size; larger than <paramref name="size"/> when it did not fit (nothing written).</returns>
    [LibraryImport(Library, EntryPoint = "fuse_add_direntry")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nuint AddDirentry(nint request, byte* buffer, nuint size, byte* name, NativeStat* stat, long nextOffset);
}
