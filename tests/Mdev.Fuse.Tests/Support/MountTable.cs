using System.Runtime.InteropServices;

namespace Mdev.Fuse.Tests.Support;

/// <summary>This process's mount table (<c>/proc/self/mountinfo</c>), and a wait for a mount to go that sleeps on the kernel's change notification instead of a timer.</summary>
internal static partial class MountTable
{
    private const short PollPri = 0x2;
    private const int EINTR = 4;

    public static bool IsMounted(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ')[4] == mountPoint);

    public static string? FileSystemType(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(f => f[4] == mountPoint)
            .Select(f => f[Array.IndexOf(f, "-") + 1])
            .LastOrDefault();

    /// <summary>Waits until <paramref name="mountPoint"/> is no longer mounted; <c>poll(2)</c> on mountinfo reports <c>POLLPRI</c> at every mount or unmount.</summary>
    public static Task WaitUntilUnmountedAsync(string mountPoint, TimeSpan timeout) => Task.Run(() =>
    {
        using var watch = File.OpenHandle("/proc/self/mountinfo");
        var deadline = DateTime.UtcNow + timeout;
        while (IsMounted(mountPoint))
        {
            int left = (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
            var fd = new PollFd { Fd = (int)watch.DangerousGetHandle(), Events = PollPri };
            int n = Poll(ref fd, 1, left);
            if (n < 0 && Marshal.GetLastPInvokeError() != EINTR)
            {
                throw new IOException($"poll: errno {Marshal.GetLastPInvokeError()}");
            }

            if (n == 0)
            {
                throw new TimeoutException($"{mountPoint} is still mounted after {timeout}");
            }
        }
    });

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
