using System.Collections.Concurrent;
using System.Text;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Fuse.Native;

namespace Mdev.Fuse;

/// <summary>
/// The filesystem behind a <see cref="SysfsMount"/>: every FUSE low-level operation mapped onto the tree's nodes with
/// sysfs semantics, and the kernel-cache invalidation that keeps the kernel's cached names exactly current. The mount
/// root is the tree's <c>/sys</c>. Methods throw <see cref="MdevException"/>; <see cref="FuseCallbacks"/> answers the
/// kernel with its errno unchanged.
/// </summary>
/// <remarks>
/// <para>What the kernel caches, and why it stays current: names (dentries) and attributes for
/// <see cref="CacheTimeout"/> seconds, and symlink targets in its page cache. A node's kind, mode and size, and a
/// link's target, never change (a link retargeted is a new node with a new node id); so the only way a cached entry
/// goes stale is a removal, and every removal from the tree invalidates the kernel's dentry of the removed name
/// (<c>fuse_lowlevel_notify_inval_entry</c>, which also drops every dentry below it) before the removal returns. A
/// failed lookup is not cached (the kernel revalidates negative dentries every time), so a new node is visible at
/// once; directory listings are not cached; attribute files are <c>direct_io</c>, so every read is a fresh show.</para>
/// <para>Locking: <see cref="FuseInodeTable"/> has its own lock; open files and directories are concurrent maps; the
/// kernel notification runs under no lock of ours and never under the tree's lock.</para>
/// </remarks>
internal sealed class FuseFileSystem
{
    /// <summary>How long, in seconds, the kernel keeps names and attributes (the tree invalidates what it removes).</summary>
    public const double CacheTimeout = 60;

    /// <summary><c>FUSE_UNKNOWN_INO</c>: the <c>d_ino</c> of listed entries (as libfuse's high-level API reports without <c>readdir_ino</c>).</summary>
    private const ulong UnknownIno = 0xffffffff;

    private readonly SysfsTree _tree;
    private readonly FuseInodeTable _inodes;
    private readonly ConcurrentDictionary<ulong, OpenAttribute> _open = new();
    private readonly ConcurrentDictionary<ulong, OpenDirectory> _directories = new();
    private readonly Timespec _mountTime;
    private FuseSessionHandle? _session;
    private long _lastHandle;
    private long _invalidations;

    public FuseFileSystem(SysfsTree tree, DateTimeOffset mountTime)
    {
        _tree = tree;
        _inodes = new FuseInodeTable(tree.RootNode);
        long ticks = mountTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        _mountTime = new Timespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
    }

    /// <summary>How many kernel dentries the tree's removals have invalidated so far (for tests and diagnostics).</summary>
    public long Invalidations => Interlocked.Read(ref _invalidations);

    /// <summary>The node ids the kernel holds now.</summary>
    public int NodeIds => _inodes.Count;

    /// <summary>Starts invalidating the kernel's cache through <paramref name="session"/> on every removal from the tree.</summary>
    public void Attach(FuseSessionHandle session)
    {
        _session = session;
        _tree.NodeRemoved += OnNodeRemoved;
    }

    /// <summary>Stops invalidating (the mount is going away); removals after this are not announced.</summary>
    public void Detach()
    {
        _tree.NodeRemoved -= OnNodeRemoved;
        _session = null;
    }

    /// <summary><c>lookup</c>: the child <paramref name="name"/> of node <paramref name="parent"/>; the kernel holds one more reference on success.</summary>
    public FuseEntryParam Lookup(ulong parent, string name, out SysfsNode child)
    {
        var directory = Node(parent, "lookup");
        var errno = _tree.TryLookupChild(directory, name, out var found);
        if (errno != 0)
        {
            throw new MdevException(errno, $"lookup {name}: {(errno == Errno.ENOENT ? "no such file or directory" : "not a directory")}");
        }

        child = found!;
        var entry = new FuseEntryParam
        {
            Ino = _inodes.Acquire(child),
            AttrTimeout = CacheTimeout,
            EntryTimeout = CacheTimeout,
        };
        Fill(child, entry.Ino, out entry.Attr);
        return entry;
    }

    /// <summary><c>forget</c>: the kernel dropped <paramref name="count"/> references to <paramref name="ino"/>.</summary>
    public void Forget(ulong ino, ulong count) => _inodes.Forget(ino, count);

    /// <summary>
    /// <c>getattr</c>: what <c>lstat</c> reports. A node id outlives the node's removal while the kernel holds it (an
    /// open file), so <c>fstat</c> of a removed attribute answers as kernfs does from its inode.
    /// </summary>
    public void GetAttr(ulong ino, out NativeStat stat) => Fill(Node(ino, "getattr"), ino, out stat);

    /// <summary>
    /// <c>setattr</c>: <c>truncate</c>/<c>O_TRUNC</c> and <c>touch</c> on an attribute are accepted no-ops, as on sysfs;
    /// a size change of a directory is <c>EISDIR</c>; mode and owner changes are not supported (<c>ENOSYS</c>).
    /// </summary>
    public void SetAttr(ulong ino, int toSet, out NativeStat stat)
    {
        const int ModeUidGid = 0x7; // FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID
        const int Size = 0x8;       // FUSE_SET_ATTR_SIZE
        var node = Node(ino, "setattr");
        if ((toSet & ModeUidGid) != 0)
        {
            throw new MdevException(Errno.ENOSYS, $"setattr {node.Name}: modes and owners cannot be changed");
        }

        if ((toSet & Size) != 0 && node is SysfsDirectoryNode)
        {
            throw new MdevException(Errno.EISDIR, $"truncate {node.Name}: is a directory");
        }

        Fill(node, ino, out stat);
    }

    /// <summary><c>readlink</c>: the kernel's relative target.</summary>
    public string ReadLink(ulong ino) => Node(ino, "readlink") is SysfsLinkNode link
        ? _tree.ReadLinkOf(link)
        : throw new MdevException(Errno.EINVAL, "readlink: not a symbolic link");

    /// <summary>
    /// <c>open</c> of an attribute with the kernfs permission rules (a read-only attribute opened for writing is
    /// <c>EACCES</c>, even for root). <c>O_CREAT</c> and <c>O_TRUNC</c> change nothing on an existing attribute.
    /// </summary>
    /// <remarks>
    /// Sysfs attributes belong to root: with <c>allow_other</c> a caller other than root may read what others may read
    /// and write nothing (no attribute is group- or world-writable), as on a kernel.
    /// </remarks>
    /// <returns>The FUSE file handle.</returns>
    public ulong Open(ulong ino, int flags, uint callerUid = 0)
    {
        var node = Node(ino, "open");
        var path = _tree.PathOf(node);
        var access = (flags & OpenFlags.AccessMode) switch
        {
            OpenFlags.ReadOnly => FileAccess.Read,
            OpenFlags.WriteOnly => FileAccess.Write,
            OpenFlags.ReadWrite => FileAccess.ReadWrite,
            _ => throw new MdevException(Errno.EINVAL, $"open {path}: invalid access mode"),
        };
        if (node.Removed)
        {
            throw new MdevException(Errno.ENOENT, $"open {path}: removed");
        }

        var stat = SysfsTree.StatOf(node);
        if (callerUid != 0 && node is SysfsAttributeNode)
        {
            if ((access & FileAccess.Write) != 0 || ((access & FileAccess.Read) != 0 && (stat.Mode & UnixFileMode.OtherRead) == 0))
            {
                throw new MdevException(Errno.EACCES, $"open {path}: uid {callerUid} is not the owner (root)");
            }
        }

        var file = new OpenAttribute(_tree.OpenNode(node, path, access), stat);
        ulong handle = (ulong)Interlocked.Increment(ref _lastHandle);
        _open[handle] = file;
        return handle;
    }

    /// <summary><c>read</c>: offset 0 takes a fresh show snapshot, later offsets read on in it.</summary>
    public int Read(ulong handle, Span<byte> buffer, long offset) => Get(handle).Read(buffer, offset);

    /// <summary><c>write</c>: one store; it returns only when the store is complete (a whole create or remove).</summary>
    public int Write(ulong handle, ReadOnlySpan<byte> data) => Get(handle).Write(data);

    /// <summary><c>release</c>: closes the attribute file.</summary>
    public void Release(ulong handle)
    {
        if (_open.TryRemove(handle, out var file))
        {
            file.Dispose();
        }
    }

    /// <summary><c>opendir</c>.</summary>
    /// <returns>The FUSE directory handle.</returns>
    public ulong OpenDirectory(ulong ino)
    {
        var node = Node(ino, "opendir");
        if (node is not SysfsDirectoryNode)
        {
            throw new MdevException(Errno.ENOTDIR, $"opendir {node.Name}: not a directory");
        }

        ulong handle = (ulong)Interlocked.Increment(ref _lastHandle);
        _directories[handle] = new OpenDirectory(_tree, node);
        return handle;
    }

    /// <summary><c>readdir</c>: the entries from <paramref name="offset"/> on (with <c>.</c> and <c>..</c> first).</summary>
    public ReadOnlyMemory<SysfsDirectoryEntry> ReadDirectory(ulong handle, long offset) =>
        _directories.TryGetValue(handle, out var directory)
            ? directory.From(offset)
            : throw new MdevException(Errno.EBADF, $"directory handle {handle} is not open");

    /// <summary><c>releasedir</c>.</summary>
    public void ReleaseDirectory(ulong handle) => _directories.TryRemove(handle, out _);

    /// <summary>
    /// <c>create</c> of a missing name: sysfs has no way to create files, so <c>EACCES</c> (the VFS's answer for a
    /// directory without <c>create</c>).
    /// </summary>
    public void Create(ulong parent, string name)
    {
        if (Node(parent, "create") is not SysfsDirectoryNode)
        {
            throw new MdevException(Errno.ENOTDIR, $"create {name}: the parent is not a directory");
        }

        throw new MdevException(Errno.EACCES, $"create {name}: sysfs files cannot be created");
    }

    /// <summary>Whether the node behind <paramref name="ino"/> has left the tree.</summary>
    public bool IsRemoved(ulong ino) => _inodes.Find(ino) is not { Removed: false };

    /// <summary>
    /// Drops the kernel's dentry <paramref name="name"/> in directory <paramref name="parent"/> (and every dentry below
    /// it). Never under a lock of ours: the kernel takes the directory's inode lock, which a lookup in it may hold
    /// while it waits for one of our workers.
    /// </summary>
    public unsafe void InvalidateEntry(ulong parent, string name)
    {
        var session = _session;
        if (session is null)
        {
            return;
        }

        bool added = false;
        try
        {
            session.DangerousAddRef(ref added);
            int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
            Span<byte> bytes = max <= 1024 ? stackalloc byte[max] : new byte[max];
            int n = Encoding.UTF8.GetBytes(name, bytes);
            bytes[n] = 0;
            fixed (byte* p = bytes)
            {
                // 0, or -ENOENT when the kernel had no such dentry (nothing to drop); -EBADF/-ENOTCONN once unmounted.
                if (LibFuse.NotifyInvalEntry(session, parent, p, (nuint)n) == 0)
                {
                    Interlocked.Increment(ref _invalidations);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The session is gone: the kernel has no cache of ours left.
        }
        finally
        {
            if (added)
            {
                session.DangerousRelease();
            }
        }
    }

    /// <summary>Closes every attribute file and directory still open (the mount is gone).</summary>
    public void CloseAll()
    {
        foreach (var handle in _open.Keys)
        {
            Release(handle);
        }

        _directories.Clear();
    }

    /// <summary>The <c>S_IFMT</c> bits of a node kind.</summary>
    public static uint TypeBits(SysfsNodeKind kind) => kind switch
    {
        SysfsNodeKind.Directory => NativeStat.DirectoryType,
        SysfsNodeKind.Symlink => NativeStat.SymlinkType,
        _ => NativeStat.RegularType,
    };

    /// <summary>The <c>d_ino</c> listed for every entry.</summary>
    public static ulong ListedIno => UnknownIno;

    /// <summary>A removal from the tree: the kernel's dentry of the removed name goes, when the kernel holds the directory.</summary>
    private void OnNodeRemoved(SysfsDirectoryNode parent, SysfsNode node)
    {
        if (_inodes.TryGetId(parent, out var id))
        {
            InvalidateEntry(id, node.Name);
        }
    }

    private SysfsNode Node(ulong ino, string operation) =>
        _inodes.Find(ino) ?? throw new MdevException(Errno.ENOENT, $"{operation}: node id {ino} is not known (forgotten)");

    private void Fill(SysfsNode node, ulong ino, out NativeStat stat)
    {
        var s = SysfsTree.StatOf(node);
        stat = default;
        stat.Ino = ino;
        stat.Mode = TypeBits(s.Kind) | (uint)s.Mode;
        stat.Nlink = s.Kind == SysfsNodeKind.Directory ? 2u : 1u;
        stat.Size = s.Size;
        stat.BlockSize = SysfsTree.AttributeSize;
        stat.AccessTime = _mountTime;
        stat.ModificationTime = _mountTime;
        stat.ChangeTime = _mountTime;
    }

    private OpenAttribute Get(ulong handle) =>
        _open.TryGetValue(handle, out var file) ? file : throw new MdevException(Errno.EBADF, $"file handle {handle} is not open");
}
