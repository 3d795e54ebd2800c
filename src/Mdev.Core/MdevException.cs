namespace Mdev.Core;

/// <summary>The one exception root of Mdev.NET: a kernel operation failed with a Linux <see cref="Core.Errno"/>.</summary>
/// <remarks>
/// The message names the object and the rule that was broken, and ends with the errno name, e.g.
/// <c>create on mtty-2: no instances left (EUSERS)</c>. Every operation that throws it has left all state as it was
/// before the call.
/// </remarks>
public class MdevException : Exception
{
    /// <summary>Creates an exception for <paramref name="errno"/> with a message naming the object and the rule.</summary>
    /// <param name="errno">The Linux error number the kernel would return.</param>
    /// <param name="message">What failed on what; the errno name is appended.</param>
    public MdevException(Errno errno, string message)
        : base(Format(errno, message))
    {
        Errno = errno;
    }

    /// <summary>Creates an exception for <paramref name="errno"/> that wraps the exception that caused it.</summary>
    /// <param name="errno">The Linux error number the kernel would return.</param>
    /// <param name="message">What failed on what; the errno name is appended.</param>
    /// <param name="innerException">The cause.</param>
    public MdevException(Errno errno, string message, Exception? innerException)
        : base(Format(errno, message), innerException)
    {
        Errno = errno;
    }

    /// <summary>The Linux error number, as the kernel would return it (positive).</summary>
    public Errno Errno { get; }

    private static string Format(Errno errno, string message) => $"{message} ({errno})";
}
