using System.Diagnostics;
using System.Text;

namespace Mdev.Fuse;

/// <summary>
/// Unmounts the directory when this process dies without unmounting it (a crash, <c>SIGKILL</c>): a child
/// <c>sh</c> waits for end of file on a pipe whose write end only this process holds (close-on-exec, so no other child
/// inherits it), then lazily unmounts the mount point if the very same mount, by its device number, is still there.
/// <see cref="Dispose"/> closes the pipe after a clean unmount; the child then finds nothing to do and exits.
/// </summary>
/// <remarks>
/// libfuse's own <c>auto_unmount</c> (a <c>fusermount3</c> that waits on a socket) is not used: it unmounts only when
/// its probe of the directory fails with <c>ENOTCONN</c>, and when that probe is pending while the connection is being
/// aborted it fails with <c>ECONNABORTED</c> instead, leaving the stale mount behind (a race seen under load; see
/// libfuse PR 763). It also keeps one <c>fusermount3</c> process and one inherited socket per mount for the life of
/// the process.
/// </remarks>
internal sealed class UnmountWatchdog : IDisposable
{
    // $1 device (major:minor), $2 mount point as mountinfo escapes it, $3 mount point, $4 "root" or "user".
    private const string Script = """
        trap '' HUP INT QUIT TERM PIPE
        cat >/dev/null 2>&1
        while read -r _ _ dev _ mnt _; do
          if [ "$dev" = "$1" ] && [ "$mnt" = "$2" ]; then
            if [ "$4" = root ]; then exec umount --lazy --no-canonicalize "$3"; fi
            exec fusermount3 -u -z -q "$3"
          fi
        done </proc/self/mountinfo
        """;

    private readonly Process _process;

    private UnmountWatchdog(Process process) => _process = process;

    /// <summary>Starts watching <paramref name="mountPoint"/>, which must be mounted by this process right now.</summary>
    /// <exception cref="InvalidOperationException">The mount is not in <c>/proc/self/mountinfo</c>.</exception>
    public static UnmountWatchdog Start(string mountPoint)
    {
        var (device, escaped) = FindMount(mountPoint)
            ?? throw new InvalidOperationException($"{mountPoint} is not in /proc/self/mountinfo");
        var start = new ProcessStartInfo("sh", ["-c", Script, "mdev-fuse-watchdog", device, escaped, mountPoint, Environment.IsPrivilegedProcess ? "root" : "user"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start sh");
        return new UnmountWatchdog(process);
    }

    /// <summary>Ends the watch (call it after unmounting): the child sees end of file, finds the mount gone and exits.</summary>
    public void Dispose()
    {
        _process.StandardInput.Dispose();
        _process.Dispose();
    }

    /// <summary>The device number and the escaped path of the topmost mount at <paramref name="mountPoint"/>.</summary>
    internal static (string Device, string Escaped)? FindMount(string mountPoint)
    {
        (string, string)? found = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == mountPoint)
            {
                found = (fields[2], fields[4]);
            }
        }

        return found;
    }

    /// <summary>Undoes mountinfo's octal escapes (<c>\040</c> for a space, <c>\011</c>, <c>\012</c>, <c>\134</c>).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        var raw = Encoding.UTF8.GetBytes(field);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 3 < raw.Length && IsOctal(raw[i + 1]) && IsOctal(raw[i + 2]) && IsOctal(raw[i + 3]))
            {
                bytes.Add((byte)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}
