using Mdev.Core;

namespace Mdev.Control.Internal;

/// <summary>How a Rust program (mdevctl) prints an <c>std::io::Error</c>: glibc's <c>strerror</c> text and <c>(os error N)</c>.</summary>
internal static class OsErrors
{
    public static string Describe(Errno errno) => $"{Text(errno)} (os error {(int)errno})";

    /// <summary>An <see cref="MdevctlException"/> for a failed syscall, worded as mdevctl reports it.</summary>
    public static MdevctlException Wrap(MdevException ex) => ex as MdevctlException ?? new MdevctlException(ex.Errno, Describe(ex.Errno), ex);

    private static string Text(Errno errno) => errno switch
    {
        Errno.EPERM => "Operation not permitted",
        Errno.ENOENT => "No such file or directory",
        Errno.EIO => "Input/output error",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.ENOMEM => "Cannot allocate memory",
        Errno.EACCES => "Permission denied",
        Errno.EBUSY => "Device or resource busy",
        Errno.EEXIST => "File exists",
        Errno.ENODEV => "No such device",
        Errno.ENOTDIR => "Not a directory",
        Errno.EISDIR => "Is a directory",
        Errno.EINVAL => "Invalid argument",
        Errno.ENOSPC => "No space left on device",
        Errno.ERANGE => "Numerical result out of range",
        Errno.ELOOP => "Too many levels of symbolic links",
        Errno.EUSERS => "Too many users",
        Errno.EOPNOTSUPP => "Operation not supported",
        Errno.ETIMEDOUT => "Connection timed out",
        _ => errno.ToString(),
    };
}
