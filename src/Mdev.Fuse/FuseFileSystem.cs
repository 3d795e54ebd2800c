using System.Collections.Concurrent;
using System.Text;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Fuse.Native;

namespace Mdev.Fuse;

/// <summary>
/// The filesystem behind a <see cref="SysfsMount"/>: every FUSE operation mapped onto the tree with sysfs semantics.
/// The mount root is the tree's <c>/sys</c>. Methods throw <see cref="MdevException"/>; <see cref="FuseCallbacks"/>
/// returns its errno to the kernel unchanged.
/// </summary>
internal sealed class FuseFileSystem
{
    private const string SysfsRoot = "/sys";

    private readonly SysfsTree _tree;
    private readonly ConcurrentDictionary<ulong, OpenAttribute> _open = new();
    private readonly Timespec _mountTime;
    private long _lastHandle;

    public FuseFileSystem(SysfsTree tree, DateTimeOffset mountTime)
    {
        _tree = tree;
        long ticks = mountTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        _mountTime = new Timespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
    }

    /// <summary>The tree path of a path relative to the mount root (<c>/</c> is <c>/sys</c>).</summary>
    public static string TreePath(string fusePath) => fusePath == "/" ? SysfsRoot : SysfsRoot + fusePath;

    /// <summary>
    /// <c>getattr</c>: what <c>lstat</c> reports (the kernel follows symlinks itself through <see cref="ReadLink"/>).
    /// When the kernel names an open file (<paramref name="handle"/> non-zero, e.g. for <c>lseek(SEEK_END)</c>), the
    /// attribute as opened, even after its removal. A plain <c>fstat</c> comes by path only (libfuse's high-level API),
    /// so once the attribute is removed it is <c>ENOENT</c>.
    /// </summary>
    public void GetAttr(string path, ulong handle, out NativeStat stat)
    {
        var node = handle != 0 && _open.TryGetValue(handle, out var file) ? file.Stat : _tree.Stat(path, followSymlinks: false);
        stat = default;
        stat.Mode = TypeBits(node.Kind) | (uint)node.Mode;
        stat.Nlink = node.Kind == SysfsNodeKind.Directory ? 2u : 1u;
        stat.Size = node.Size;
        stat.BlockSize = SysfsTree.AttributeSize;
        stat.AccessTime = _mountTime;
        stat.ModificationTime = _mountTime;
        stat.ChangeTime = _mountTime;
    }

    /// <summary><c>readlink</c>: the kernel's relative target, truncated to the buffer and NUL-terminated.</summary>
    public void ReadLink(string path, Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new MdevException(Errno.EINVAL, $"readlink {path}: empty buffer");
        }

        var target = Encoding.UTF8.GetBytes(_tree.ReadLink(path));
        int n = Math.Min(target.Length, buffer.Length - 1);
        target.AsSpan(0, n).CopyTo(buffer);
        buffer[n] = 0;
    }

    /// <summary><c>readdir</c>: the directory's entries (without <c>.</c> and <c>..</c>).</summary>
    public IReadOnlyList<SysfsDirectoryEntry> ReadDirectory(string path) => _tree.ReadDirectory(path);

    /// <summary>
    /// <c>open</c> of an existing attribute with the kernfs permission rules (a read-only attribute opened for writing
    /// is <c>EACCES</c>, even for root). <c>O_CREAT</c> and <c>O_TRUNC</c> change nothing on an existing attribute.
    /// </summary>
    /// <remarks>
    /// Sysfs attributes belong to root: with <c>allow_other</c> a caller other than root may read what others may read
    /// and write nothing (no attribute is group- or world-writable), as on a kernel.
    /// </remarks>
    /// <returns>The FUSE file handle.</returns>
    public ulong Open(string path, int flags, uint callerUid = 0)
    {
        var access = (flags & OpenFlags.AccessMode) switch
        {
            OpenFlags.ReadOnly => FileAccess.Read,
            OpenFlags.WriteOnly => FileAccess.Write,
            OpenFlags.ReadWrite => FileAccess.ReadWrite,
            _ => throw new MdevException(Errno.EINVAL, $"open {path}: invalid access mode"),
        };
        if (callerUid != 0)
        {
            var mode = _tree.Stat(path).Mode;
            if ((access & FileAccess.Write) != 0 || ((access & FileAccess.Read) != 0 && (mode & UnixFileMode.OtherRead) == 0))
            {
                throw new MdevException(Errno.EACCES, $"open {path}: uid {callerUid} is not the owner (root)");
            }
        }

        var opened = _tree.Open(path, access);
        SysfsStat stat;
        try
        {
            stat = _tree.Stat(path);
        }
        catch
        {
            opened.Dispose();
            throw;
        }

        var file = new OpenAttribute(opened, stat);
        ulong handle = (ulong)Interlocked.Increment(ref _lastHandle);
        _open[handle] = file;
        return handle;
    }

    /// <summary><c>read</c>: offset 0 takes a fresh show snapshot, later offsets read on in it.</summary>
    public int Read(ulong handle, Span<byte> buffer, long offset) => Get(handle).Read(buffer, offset);

    /// <summary><c>write</c>: one store; it returns only when the store is complete (a whole create or remove).</summary>
    public int Write(ulong handle, ReadOnlySpan<byte> data) => Get(handle).Write(data);

    /// <summary><c>truncate</c> (<c>O_TRUNC</c>, <c>truncate(2)</c>): a no-op that succeeds on an attribute, as on sysfs.</summary>
    public void Truncate(string path)
    {
        if (_tree.Stat(path).Kind == SysfsNodeKind.Directory)
        {
            throw new MdevException(Errno.EISDIR, $"truncate {path}: is a directory");
        }
    }

    /// <summary><c>utimens</c> (<c>touch</c> of an existing node): accepted and forgotten.</summary>
    public void SetTimes(string path) => _tree.Stat(path);

    /// <summary><c>release</c>: closes the attribute file.</summary>
    public void Release(ulong handle)
    {
        if (_open.TryRemove(handle, out var file))
        {
            file.Dispose();
        }
    }

    /// <summary>
    /// <c>create</c> of a missing name: sysfs has no way to create files, so <c>EACCES</c> (the VFS's answer for a
    /// directory without <c>create</c>), or the lookup error of the directory.
    /// </summary>
    public void Create(string path)
    {
        int slash = path.LastIndexOf('/');
        var directory = slash <= SysfsRoot.Length ? SysfsRoot : path[..slash];
        if (_tree.Stat(directory).Kind != SysfsNodeKind.Directory)
        {
            throw new MdevException(Errno.ENOTDIR, $"create {path}: {directory} is not a directory");
        }

        throw new MdevException(Errno.EACCES, $"create {path}: sysfs files cannot be created");
    }

    /// <summary>Closes every attribute file still open (the mount is gone).</summary>
    public void CloseAll()
    {
        foreach (var handle in _open.Keys)
        {
            Release(handle);
        }
    }

    /// <summary>The <c>S_IFMT</c> bits of a node kind.</summary>
    public static uint TypeBits(SysfsNodeKind kind) => kind switch
    {
        SysfsNodeKind.Directory => NativeStat.DirectoryType,
        SysfsNodeKind.Symlink => NativeStat.SymlinkType,
        _ => NativeStat.RegularType,
    };

    private OpenAttribute Get(ulong handle) =>
        _open.TryGetValue(handle, out var file) ? file : throw new MdevException(Errno.EBADF, $"file handle {handle} is not open");
}
