using Mdev.Core;

namespace Mdev.Control;

/// <summary>
/// An mdevctl operation failed: <see cref="MdevctlMessage"/> is mdevctl 1.2.0's own text for the case (what it prints
/// after <c>Error: </c>, e.g. <c>No available instances of i915-GVTg_V5_8 on 0000:00:02.0</c>), and
/// <see cref="MdevException.Errno"/> is the kernel's errno when the kernel gave one (then also in
/// <see cref="Exception.InnerException"/>), else the errno that names the rule: <c>ENOENT</c> for something missing,
/// <c>EEXIST</c> for something already there, <c>EUSERS</c> for no instances left, <c>EINVAL</c> for bad input,
/// <c>EACCES</c> for an unreadable configuration directory, <c>ETIMEDOUT</c> for a device that never appeared.
/// </summary>
/// <remarks>Every operation that throws it has left sysfs and <c>/etc/mdevctl.d</c> as they were before the call
/// (a device whose attribute could not be written has been removed again).</remarks>
public sealed class MdevctlException : MdevException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errno">The kernel's errno, or the one that names the rule.</param>
    /// <param name="mdevctlMessage">mdevctl's text for the failure.</param>
    /// <param name="innerException">The kernel's or the file system's error, or null.</param>
    public MdevctlException(Errno errno, string mdevctlMessage, Exception? innerException = null)
        : base(errno, Compose(mdevctlMessage, innerException), innerException)
    {
        MdevctlMessage = mdevctlMessage;
    }

    /// <summary>mdevctl's own text for the failure, without <c>Error: </c> and without the cause.</summary>
    public string MdevctlMessage { get; }

    private static string Compose(string message, Exception? cause) =>
        cause is null ? message : $"{message}: {cause.Message}";
}
