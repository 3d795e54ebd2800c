using Mdev.Core;

namespace Mdev.Control.Internal;

/// <summary>Maps a .NET file-system exception back to the errno of the failed syscall.</summary>
internal static class FileErrors
{
    public static Errno ErrnoOf(Exception ex) => ex switch
    {
        MdevException m => m.Errno,
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        UnauthorizedAccessException => Errno.EACCES,
        // On Linux .NET keeps the raw errno in HResult of the IOException of a failed syscall.
        IOException io when io.HResult is > 0 and < 4096 && Enum.IsDefined((Errno)io.HResult) => (Errno)io.HResult,
        _ => Errno.EIO,
    };
}
