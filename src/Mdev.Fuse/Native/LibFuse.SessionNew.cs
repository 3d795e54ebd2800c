using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>struct fuse_session *fuse_session_new(struct fuse_args *args, const struct fuse_lowlevel_ops *op, size_t op_size, void *userdata)</c>: parses the mount options in <paramref name="args"/> (replacing it with an allocated copy that <see cref="OptFreeArgs"/> frees) and copies <paramref name="operations"/>.</summary>
    /// <returns>The session, or an invalid handle when an option is wrong.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_session_new")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial FuseSessionHandle SessionNew(FuseArgs* args, FuseLowlevelOps* operations, nuint operationsSize, void* userData);
}
