using System.Text;

namespace Mdev.Core.Sysfs;

/// <summary>
/// <see cref="ISysfs"/> over a real directory: the host's <c>/sys</c> (root <c>/sys</c>) or a fixture tree (any root).
/// Path <c>/sys/x/y</c> maps to <c><see cref="Root"/>/x/y</c>.
/// </summary>
/// <remarks>Operating-system errors are mapped back to the errno that caused them where .NET exposes it
/// (missing → <c>ENOENT</c>, permission → <c>EACCES</c>); anything else is <c>EIO</c> with the original as inner exception.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DirectorySysfs : ISysfs
{
    /// <summary>Creates a view whose <c>/sys</c> is <paramref name="root"/>.</summary>
    /// <param name="root">The directory that plays <c>/sys</c>, e.g. <c>/sys</c> itself.</param>
    public DirectorySysfs(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root).TrimEnd('/');
        if (Root.Length == 0)
        {
            Root = "/";
        }
    }

    /// <summary>The directory that plays <c>/sys</c>.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public SysfsStat Stat(string path, bool followSymlinks = true)
    {
        var host = Map(path);
        return Guard(path, () =>
        {
            FileSystemInfo info = Directory.Exists(host) && !IsLink(host) ? new DirectoryInfo(host) : new FileInfo(host);
            if (info.LinkTarget is not null)
            {
                if (!followSymlinks)
                {
                    return new SysfsStat(SysfsNodeKind.Symlink, SysfsModes.Symlink, info.LinkTarget.Length);
                }

                info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            }

            if (Directory.Exists(info.FullName))
            {
                return new SysfsStat(SysfsNodeKind.Directory, File.GetUnixFileMode(info.FullName), 0);
            }

            if (!info.Exists)
            {
                throw new MdevException(Errno.ENOENT, $"stat {path}: no such file or directory");
            }

            return new SysfsStat(SysfsNodeKind.File, File.GetUnixFileMode(info.FullName), ((FileInfo)info).Length);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<SysfsDirectoryEntry> ReadDirectory(string path)
    {
        var host = Map(path);
        return Guard(path, () =>
        {
            if (File.Exists(host) && !Directory.Exists(host))
            {
                throw new MdevException(Errno.ENOTDIR, $"readdir {path}: not a directory");
            }

            return new DirectoryInfo(host).EnumerateFileSystemInfos()
                .Select(i => new SysfsDirectoryEntry(
                    i.Name,
                    i.LinkTarget is not null ? SysfsNodeKind.Symlink : i is DirectoryInfo ? SysfsNodeKind.Directory : SysfsNodeKind.File))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToArray();
        });
    }

    /// <inheritdoc />
    public string ReadLink(string path)
    {
        var host = Map(path);
        return Guard(path, () =>
        {
            if (!File.Exists(host) && !Directory.Exists(host) && !IsLink(host))
            {
                throw new MdevException(Errno.ENOENT, $"readlink {path}: no such file or directory");
            }

            return new FileInfo(host).LinkTarget ?? throw new MdevException(Errno.EINVAL, $"readlink {path}: not a symbolic link");
        });
    }

    /// <inheritdoc />
    public string Read(string path)
    {
        var host = Map(path);
        return Guard(path, () =>
        {
            if (Directory.Exists(host))
            {
                throw new MdevException(Errno.EISDIR, $"read {path}: is a directory");
            }

            // sysfs reports every attribute as 4096 bytes: read until EOF, never trust the size.
            using var handle = File.OpenHandle(host, FileMode.Open, FileAccess.Read);
            var buffer = new byte[SysfsTree.AttributeSize];
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return Encoding.Latin1.GetString(buffer, 0, total);
        });
    }

    /// <inheritdoc />
    public int Write(string path, ReadOnlySpan<byte> data)
    {
        var host = Map(path);
        if (Directory.Exists(host))
        {
            throw new MdevException(Errno.EISDIR, $"write {path}: is a directory");
        }

        try
        {
            using var handle = File.OpenHandle(host, FileMode.Truncate, FileAccess.Write);
            RandomAccess.Write(handle, data, 0);
            return data.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Translate(path, ex);
        }
    }

    private string Map(string path)
    {
        var parts = SysfsPath.Split(path) ?? throw new MdevException(Errno.ENOENT, $"{path} is not below {SysfsPath.Root}");
        if (parts.Contains(".."))
        {
            throw new MdevException(Errno.EINVAL, $"{path}: '..' would leave {Root}");
        }

        return parts.Count == 0 ? Root : Path.Combine([Root, .. parts]);
    }

    private static bool IsLink(string host) => new FileInfo(host).LinkTarget is not null;

    private static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Translate(path, ex);
        }
    }

    /// <summary>
    /// Maps an I/O failure back to its errno: on Linux, .NET keeps the raw errno in <see cref="Exception.HResult"/> of
    /// the <see cref="IOException"/> it raises for a failed syscall (e.g. 17 for a <c>create</c> that got EEXIST).
    /// </summary>
    private static MdevException Translate(string path, Exception ex)
    {
        if (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new MdevException(Errno.ENOENT, $"{path}: no such file or directory", ex);
        }

        if (ex is UnauthorizedAccessException)
        {
            return new MdevException(Errno.EACCES, $"{path}: permission denied", ex);
        }

        if (ex.HResult is > 0 and < 4096 && Enum.IsDefined((Errno)ex.HResult))
        {
            return new MdevException((Errno)ex.HResult, $"{path}: {ex.Message}", ex);
        }

        return new MdevException(Errno.EIO, $"{path}: {ex.Message}", ex);
    }
}
