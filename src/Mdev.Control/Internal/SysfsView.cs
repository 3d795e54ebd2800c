using Mdev.Core;
using Mdev.Core.Sysfs;

namespace Mdev.Control.Internal;

/// <summary>
/// What mdevctl reads from sysfs, over any <see cref="ISysfs"/>: existence checks that follow links (<c>statx</c>),
/// <c>realpath(3)</c> done one <c>readlink</c> per component, trimmed attribute text, and the §3 rule that names an
/// active device's parent and type after the canonical directories.
/// </summary>
internal sealed class SysfsView(ISysfs sysfs)
{
    public const string MdevBase = "/sys/bus/mdev/devices";
    public const string ParentBase = "/sys/class/mdev_bus";
    private const int MaxSymlinks = 40; // MAXSYMLINKS, as glibc's realpath

    public ISysfs Sysfs { get; } = sysfs;

    public static string DevicePath(Guid uuid) => $"{MdevBase}/{Uuids.Format(uuid)}";

    public static string TypesPath(string parent) => $"{ParentBase}/{parent}/mdev_supported_types";

    /// <summary><c>statx</c> following links: false for a missing path or a dangling link.</summary>
    public bool Exists(string path) => TryStat(path) is not null;

    public bool IsDirectory(string path) => TryStat(path)?.Kind == SysfsNodeKind.Directory;

    public SysfsStat? TryStat(string path)
    {
        try
        {
            return Sysfs.Stat(path);
        }
        catch (MdevException ex) when (ex.Errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            return null;
        }
    }

    public IReadOnlyList<SysfsDirectoryEntry> ReadDirectoryOrEmpty(string path)
    {
        try
        {
            return Sysfs.ReadDirectory(path);
        }
        catch (MdevException ex) when (ex.Errno == Errno.ENOENT)
        {
            return [];
        }
    }

    public string ReadTrimmed(string path) => Sysfs.Read(path).Trim();

    /// <summary>The canonical path, as <c>realpath(3)</c>: every component read with <c>readlink</c>, links followed left to right.</summary>
    /// <exception cref="MdevException"><c>ENOENT</c> for a missing component, <c>ELOOP</c> past 40 links.</exception>
    public string Canonicalize(string path)
    {
        var pending = new Stack<string>(Components(path).Reverse());
        var done = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (done.Count == 0)
                {
                    throw new MdevException(Errno.ENOENT, $"realpath {path}: leaves /sys");
                }

                done.RemoveAt(done.Count - 1);
                continue;
            }

            var candidate = Join(done, part);
            string target;
            try
            {
                target = Sysfs.ReadLink(candidate);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EINVAL)
            {
                done.Add(part);
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new MdevException(Errno.ELOOP, $"realpath {path}: too many levels of symbolic links");
            }

            if (target.StartsWith('/'))
            {
                done.Clear();
                target = target.StartsWith("/sys/", StringComparison.Ordinal) || target == "/sys"
                    ? target[4..]
                    : throw new MdevException(Errno.ENOENT, $"realpath {path}: {candidate} points outside /sys ({target})");
            }

            foreach (var t in target.Split('/').Reverse())
            {
                pending.Push(t);
            }
        }

        return done.Count == 0 ? "/sys" : "/sys/" + string.Join('/', done);
    }

    /// <summary>
    /// mdevctl's <c>load_from_sysfs</c>: null when <c>/sys/bus/mdev/devices/&lt;uuid&gt;</c> does not exist; else the
    /// basename of the canonical directory containing the device and the canonical basename of its <c>mdev_type</c>.
    /// </summary>
    /// <exception cref="MdevException">The errno of a failed <c>realpath</c> (e.g. <c>ENOENT</c> without <c>mdev_type</c>).</exception>
    public (string Parent, string Type)? ResolveDevice(Guid uuid)
    {
        var bus = DevicePath(uuid);
        if (!Exists(bus))
        {
            return null;
        }

        var device = Canonicalize(bus);
        var parent = Name(Canonicalize(Directory(device)));
        var type = Name(Canonicalize(bus + "/mdev_type"));
        return (parent, type);
    }

    private static IEnumerable<string> Components(string path)
    {
        if (path != "/sys" && !path.StartsWith("/sys/", StringComparison.Ordinal))
        {
            throw new MdevException(Errno.ENOENT, $"{path} is not below /sys");
        }

        return path[4..].Split('/');
    }

    private static string Join(List<string> done, string part) => done.Count == 0 ? "/sys/" + part : "/sys/" + string.Join('/', done) + "/" + part;

    private static string Directory(string path) => path[..path.LastIndexOf('/')];

    private static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];
}
