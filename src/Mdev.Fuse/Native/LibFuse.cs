namespace Mdev.Fuse.Native;

/// <summary>
/// The native libfuse3 low-level API (libfuse 3.14, x86-64), one file per call. The library comes with the Debian
/// package <c>fuse3</c> (<c>libfuse3-3</c>); entry points are bound by their version-specific names
/// (<c>fuse_session_loop_mt_312</c>) so that the symbol-versioned defaults cannot change under us.
/// </summary>
internal static partial class LibFuse
{
    /// <summary>The shared library's soname.</summary>
    public const string Library = "libfuse3.so.3";
}
