using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void *fuse_req_userdata(fuse_req_t req)</c>: the user data given to <c>fuse_session_new</c>.</summary>
    /// <returns>The user data.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_req_userdata")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial void* ReqUserData(nint request);
}
