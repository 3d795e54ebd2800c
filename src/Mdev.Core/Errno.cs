namespace Mdev.Core;

/// <summary>Linux error numbers (x86-64 values, <c>include/uapi/asm-generic/errno*.h</c>) that the mdev and VFIO model returns.</summary>
/// <remarks>The numeric value of each member is the kernel's, so <c>(int)Errno.EINVAL == 22</c> and a negated value is what a syscall would return.</remarks>
public enum Errno
{
    /// <summary>Operation not permitted (1).</summary>
    EPERM = 1,
    /// <summary>No such file or directory (2).</summary>
    ENOENT = 2,
    /// <summary>No such process (3).</summary>
    ESRCH = 3,
    /// <summary>Interrupted system call (4).</summary>
    EINTR = 4,
    /// <summary>Input/output error (5).</summary>
    EIO = 5,
    /// <summary>Argument list too long (7).</summary>
    E2BIG = 7,
    /// <summary>Bad file descriptor (9).</summary>
    EBADF = 9,
    /// <summary>Resource temporarily unavailable (11).</summary>
    EAGAIN = 11,
    /// <summary>Cannot allocate memory (12).</summary>
    ENOMEM = 12,
    /// <summary>Permission denied (13).</summary>
    EACCES = 13,
    /// <summary>Bad address (14).</summary>
    EFAULT = 14,
    /// <summary>Device or resource busy (16).</summary>
    EBUSY = 16,
    /// <summary>File exists (17).</summary>
    EEXIST = 17,
    /// <summary>No such device (19).</summary>
    ENODEV = 19,
    /// <summary>Not a directory (20).</summary>
    ENOTDIR = 20,
    /// <summary>Is a directory (21).</summary>
    EISDIR = 21,
    /// <summary>Invalid argument (22).</summary>
    EINVAL = 22,
    /// <summary>Inappropriate ioctl for device (25).</summary>
    ENOTTY = 25,
    /// <summary>No space left on device (28).</summary>
    ENOSPC = 28,
    /// <summary>Illegal seek (29).</summary>
    ESPIPE = 29,
    /// <summary>Numerical result out of range (34).</summary>
    ERANGE = 34,
    /// <summary>Function not implemented (38).</summary>
    ENOSYS = 38,
    /// <summary>Too many levels of symbolic links (40).</summary>
    ELOOP = 40,
    /// <summary>Value too large for defined data type (75).</summary>
    EOVERFLOW = 75,
    /// <summary>File descriptor in bad state (77).</summary>
    EBADFD = 77,
    /// <summary>Too many users (87).</summary>
    EUSERS = 87,
    /// <summary>Operation not supported (95).</summary>
    EOPNOTSUPP = 95,
    /// <summary>Address already in use (98).</summary>
    EADDRINUSE = 98,
    /// <summary>Cannot assign requested address (99).</summary>
    EADDRNOTAVAIL = 99,
    /// <summary>Connection timed out (110).</summary>
    ETIMEDOUT = 110,
}
