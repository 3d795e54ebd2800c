using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_lowlevel_notify_inval_entry(struct fuse_session *se, fuse_ino_t parent, const char *name, size_t namelen)</c>: drops the kernel's cached dentry <paramref name="name"/> in directory <paramref name="parent"/> (and every dentry below it), so the next path walk asks again.</summary>
    /// <returns>0; <c>-ENOENT</c> when the kernel had no such dentry; another negative errno otherwise.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_lowlevel_notify_inval_entry")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int NotifyInvalEntry(FuseSessionHandle session, ulong parent, byte* name, nuint length);
}
