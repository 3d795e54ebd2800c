using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_session_loop_mt(struct fuse_session *se, struct fuse_loop_config *config)</c> (<c>fuse_session_loop_mt@@FUSE_3.12</c>): serves requests on a pool of worker threads until the session exits; null <paramref name="config"/> takes the defaults.</summary>
    /// <returns>0, or a negative errno when the loop failed.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_session_loop_mt_312")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int SessionLoopMt(nint session, void* config);
}
