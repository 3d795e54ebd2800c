using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary>
    /// <c>struct fuse *fuse_new(struct fuse_args *args, const struct fuse_operations *op, size_t op_size, void *private_data)</c>
    /// (<c>fuse_new@@FUSE_3.1</c>): parses the library and mount options in <paramref name="args"/> (replacing it with an
    /// allocated copy that <see cref="OptFreeArgs"/> frees) and copies <paramref name="operations"/>.
    /// </summary>
    /// <returns>The filesystem object, or an invalid handle when an option is wrong.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_new_31")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial FuseHandle New(FuseArgs* args, FuseOperations* operations, nuint operationsSize, void* privateData);
}
