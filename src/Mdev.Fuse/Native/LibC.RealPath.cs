using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary>The C library calls Mdev.Fuse makes itself.</summary>
internal static partial class LibC
{
    /// <summary><c>char *realpath(const char *path, char *resolved_path)</c> with a null buffer: a <c>malloc</c>ed result for <see cref="NativeMemory.Free"/>.</summary>
    /// <returns>The canonical path, or null with <c>errno</c> set.</returns>
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial byte* RealPath(string path, byte* resolved);
}
