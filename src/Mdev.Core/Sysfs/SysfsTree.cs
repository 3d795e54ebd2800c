using System.Text;

namespace Mdev.Core.Sysfs;

/// <summary>
/// The simulated <c>/sys</c>: directories, attribute files and symlinks with sysfs semantics. It is the kernel/user
/// boundary of the model: user space reads and writes text through <see cref="ISysfs"/> (or an open
/// <see cref="SysfsOpenFile"/>); the kernel side (the mdev core, VFIO, vendor drivers) builds nodes with
/// <see cref="AddDirectory(string)"/>, <see cref="AddAttribute"/>, <see cref="AddLink(string, string)"/> and <see cref="Remove"/>.
/// </summary>
/// <remarks>
/// <para>Locking: one lock (kernfs_rwsem's role) guards the structure. Show and store callbacks run outside it, so a
/// store may itself add or remove nodes (writing <c>create</c> builds a whole device).</para>
/// <para>Removals are announced to in-process observers (a FUSE mount's kernel-cache invalidation) after the lock is
/// released, on the removing thread, before <see cref="Remove"/> or <see cref="TryRemove"/> returns.</para>
/// <para>Semantics, as kernfs/sysfs: a read is one show snapshot, truncated to 4095 bytes; one write is one store of at
/// most 4096 bytes and a zero-length write stores nothing; opening a read-only attribute for writing, or a
/// write-only one for reading, is <c>EACCES</c> even for root; every text attribute reports size 4096 (a binary one its own size); symlink targets
/// are printed relative to the link's directory.</para>
/// </remarks>
public sealed partial class SysfsTree : ISysfs
{
    /// <summary>What sysfs reports as the size of every attribute (PAGE_SIZE).</summary>
    public const int AttributeSize = 4096;

    private const int MaxSymlinkHops = 40;

    private readonly Lock _lock = new();
    private readonly SysfsDirectoryNode _root = new("sys");

    /// <summary>The faults armed at <see cref="FaultPoint.AttributeStore"/> of the core that owns this tree, or null.</summary>
    internal FaultRegistry? Faults { get; init; }

    /// <inheritdoc />
    public SysfsStat Stat(string path, bool followSymlinks = true)
    {
        lock (_lock)
        {
            return StatOf(Resolve(path, followSymlinks));
        }
    }

    /// <summary>True when <paramref name="path"/> exists (following symlinks, as <c>stat</c> would).</summary>
    /// <param name="path">An absolute path below <c>/sys</c>.</param>
    /// <returns>Whether a node is there.</returns>
    public bool Exists(string path)
    {
        lock (_lock)
        {
            return TryResolve(path, followFinal: true, out _) == 0;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SysfsDirectoryEntry> ReadDirectory(string path)
    {
        lock (_lock)
        {
            if (Resolve(path, followFinal: true) is not SysfsDirectoryNode dir)
            {
                throw new MdevException(Errno.ENOTDIR, $"readdir {path}: not a directory");
            }

            return dir.ListEntries();
        }
    }

    /// <inheritdoc />
    public string ReadLink(string path)
    {
        lock (_lock)
        {
            if (Resolve(path, followFinal: false) is not SysfsLinkNode link)
            {
                throw new MdevException(Errno.EINVAL, $"readlink {path}: not a symbolic link");
            }

            return RelativeTarget(link);
        }
    }

    /// <summary>Resolves every symlink in <paramref name="path"/>, as <c>realpath(3)</c> does.</summary>
    /// <param name="path">An absolute path below <c>/sys</c>.</param>
    /// <returns>The canonical absolute path.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> when a component is missing.</exception>
    public string RealPath(string path)
    {
        lock (_lock)
        {
            return Resolve(path, followFinal: true).Path;
        }
    }

    /// <inheritdoc />
    public string Read(string path)
    {
        using var file = Open(path, FileAccess.Read);
        return file.ReadAllText();
    }

    /// <inheritdoc />
    public int Write(string path, ReadOnlySpan<byte> data)
    {
        using var file = Open(path, FileAccess.Write);
        return file.Write(data);
    }

    /// <summary>Writes text (encoded byte for byte, Latin-1) as one store; a convenience over <see cref="Write(string, ReadOnlySpan{byte})"/>.</summary>
    /// <param name="path">An absolute path of an attribute file.</param>
    /// <param name="text">The text, e.g. <c>"83b8f4f2-509f-382f-3c1e-e6bfe0fa1001\n"</c>.</param>
    /// <returns>The number of bytes consumed.</returns>
    public int Write(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Write(path, Encoding.Latin1.GetBytes(text));
    }

    /// <summary>Opens an attribute file as <c>open(2)</c> would, applying the kernfs permission rules at open time.</summary>
    /// <param name="path">An absolute path of an attribute (or a link to one).</param>
    /// <param name="access">Read, write or both.</param>
    /// <returns>An open file; reads and writes on it fail with <c>ENODEV</c> once the attribute is removed.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c>, <c>EISDIR</c>, or <c>EACCES</c> when the mode or callbacks do not allow the access.</exception>
    public SysfsOpenFile Open(string path, FileAccess access)
    {
        SysfsNode node;
        lock (_lock)
        {
            node = Resolve(path, followFinal: true);
        }

        return OpenNode(node, path, access);
    }

    /// <summary>Opens <paramref name="node"/> (found by <paramref name="path"/>) with the kernfs permission rules.</summary>
    internal SysfsOpenFile OpenNode(SysfsNode node, string path, FileAccess access)
    {
        if (node is not SysfsAttributeNode attribute)
        {
            throw new MdevException(Errno.EISDIR, $"open {path}: is a directory");
        }

        if ((access & FileAccess.Read) != 0 && !attribute.CanRead)
        {
            throw new MdevException(Errno.EACCES, $"open {path} for reading: attribute is not readable (mode {Octal(attribute.Mode)})");
        }

        if ((access & FileAccess.Write) != 0 && !attribute.CanWrite)
        {
            throw new MdevException(Errno.EACCES, $"open {path} for writing: attribute is not writable (mode {Octal(attribute.Mode)})");
        }

        return new SysfsOpenFile(attribute, path, access, Faults);
    }

    /// <summary>Kernel side: creates a directory. Its parent must exist.</summary>
    /// <param name="path">The absolute path of the new directory.</param>
    /// <exception cref="MdevException"><c>EEXIST</c> when a node is already there, <c>ENOENT</c> when the parent is missing, <c>EINVAL</c> for a bad name.</exception>
    public void AddDirectory(string path) => AddNode(path, new SysfsDirectoryNode(CheckedName(path)));

    /// <summary>
    /// As <see cref="AddDirectory(string)"/>, named by a string the caller holds anyway (a device's name), so the node
    /// does not hold a copy of its own; <paramref name="name"/> must be the last component of <paramref name="path"/>.
    /// </summary>
    internal void AddDirectory(string path, string name) => AddNode(path, new SysfsDirectoryNode(CheckedName(path, name)));

    /// <summary>Kernel side: creates an attribute file whose callbacks are already bound to their object.</summary>
    /// <param name="path">The absolute path of the new attribute.</param>
    /// <param name="mode">Its permission bits (checked against the kernel's rules).</param>
    /// <param name="show">Produces the text on read; required when the mode is readable.</param>
    /// <param name="store">Consumes one write (the bytes as Latin-1 text); required when the mode is writable.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when the mode breaks a rule, <c>EEXIST</c>, <c>ENOENT</c>.</exception>
    public void AddAttribute(string path, UnixFileMode mode, Func<string>? show, Action<string>? store)
    {
        if (SysfsModes.Validate(mode, show is not null, store is not null) is { } broken)
        {
            throw new MdevException(Errno.EINVAL, $"attribute {path}: {broken}");
        }

        AddNode(path, new SysfsAttributeNode(CheckedName(path), mode, show, store));
    }

    /// <summary>
    /// Kernel side: creates an attribute file of <paramref name="owner"/> whose callbacks are shared by every attribute of
    /// its kind (pass static lambdas or methods): the file holds the owner, not a closure of its own.
    /// </summary>
    /// <exception cref="MdevException"><c>EINVAL</c> when the mode breaks a rule, <c>EEXIST</c>, <c>ENOENT</c>.</exception>
    internal void AddAttribute<TOwner>(string path, UnixFileMode mode, TOwner owner, Func<TOwner, string>? show, Action<TOwner, string>? store, int? binarySize = null)
        where TOwner : class
    {
        if (SysfsModes.Validate(mode, show is not null, store is not null) is { } broken)
        {
            throw new MdevException(Errno.EINVAL, $"attribute {path}: {broken}");
        }

        var name = CheckedName(path);
        AddNode(path, SysfsAttributeNode.Owned(name, mode, owner, show, store, binarySize));
    }

    /// <summary>Kernel side: creates a symlink to an absolute target; <c>readlink</c> prints it relative, as sysfs does.</summary>
    /// <param name="path">The absolute path of the link.</param>
    /// <param name="target">The absolute path it points to (need not exist yet).</param>
    /// <exception cref="MdevException"><c>EEXIST</c>, <c>ENOENT</c>, or <c>EINVAL</c> when the target is not below <c>/sys</c>.</exception>
    public void AddLink(string path, string target)
    {
        if (!SysfsPath.IsBelowRoot(target))
        {
            throw new MdevException(Errno.EINVAL, $"link {path}: target {target} is not below {SysfsPath.Root}");
        }

        AddNode(path, new SysfsLinkNode(CheckedName(path), target));
    }

    /// <summary>
    /// As <see cref="AddLink(string, string)"/>, named by a string the caller holds anyway (a device's name), so the
    /// node does not hold a copy of its own; <paramref name="name"/> must be the last component of <paramref name="path"/>.
    /// </summary>
    internal void AddLink(string path, string target, string name)
    {
        if (!SysfsPath.IsBelowRoot(target))
        {
            throw new MdevException(Errno.EINVAL, $"link {path}: target {target} is not below {SysfsPath.Root}");
        }

        AddNode(path, new SysfsLinkNode(CheckedName(path, name), target));
    }

    /// <summary>Kernel side: removes a node and everything below it; open files on removed attributes get <c>ENODEV</c>.</summary>
    /// <param name="path">The absolute path (a symlink is removed itself, not followed).</param>
    /// <exception cref="MdevException"><c>ENOENT</c> when nothing is there.</exception>
    public void Remove(string path)
    {
        SysfsDirectoryNode parent;
        SysfsNode node;
        lock (_lock)
        {
            if (TryRemovePending(path))
            {
                return;
            }

            node = Resolve(path, followFinal: false);
            if (node.Parent is null)
            {
                throw new MdevException(Errno.EINVAL, $"remove {path}: cannot remove the root");
            }

            parent = node.Parent;
            parent.RemoveChild(node.Name);
            node.Parent = null;
            MarkRemoved(node);
        }

        OnRemoved(parent, node);
    }

    /// <summary>Kernel side: creates every missing directory on the way to <paramref name="path"/> (mkdir -p).</summary>
    /// <param name="path">The absolute directory path.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when not below <c>/sys</c>; <c>ENOTDIR</c> when a component is a file.</exception>
    public void EnsureDirectory(string path)
    {
        lock (_lock)
        {
            var parts = SysfsPath.Split(path) ?? throw new MdevException(Errno.EINVAL, $"{path} is not below {SysfsPath.Root}");
            SysfsDirectoryNode dir = _root;
            foreach (var part in parts)
            {
                if (!dir.TryGetChild(part, out var child))
                {
                    var created = new SysfsDirectoryNode(SysfsNames.Shared(part)) { Parent = dir };
                    dir.AddChild(created);
                    child = created;
                }

                dir = child as SysfsDirectoryNode ?? throw new MdevException(Errno.ENOTDIR, $"mkdir -p {path}: {part} is not a directory");
            }
        }
    }

    /// <summary>Kernel side: removes <paramref name="path"/> (and everything below it) when present, as <see cref="Remove"/>.</summary>
    /// <param name="path">The absolute path (a symlink is removed itself, not followed).</param>
    /// <returns>Whether a node was there.</returns>
    public bool TryRemove(string path)
    {
        SysfsDirectoryNode parent;
        SysfsNode? node;
        lock (_lock)
        {
            if (TryRemovePending(path))
            {
                return true;
            }

            if (TryResolve(path, followFinal: false, out node) != 0 || node!.Parent is null)
            {
                return false;
            }

            parent = node.Parent;
            parent.RemoveChild(node.Name);
            node.Parent = null;
            MarkRemoved(node);
        }

        OnRemoved(parent, node);
        return true;
    }

    /// <summary>
    /// Kernel side: gives the directory <paramref name="directory"/> the entries of <paramref name="template"/>, as
    /// children of <paramref name="owner"/>; each becomes a node on its first lookup (see <see cref="SysfsTemplate"/>).
    /// </summary>
    /// <exception cref="MdevException"><c>ENOENT</c>/<c>ENOTDIR</c> for the directory, <c>EEXIST</c> when one of the names is taken.</exception>
    internal void AddTemplate(string directory, SysfsTemplate template, object owner)
    {
        lock (_lock)
        {
            if (Resolve(directory, followFinal: true) is not SysfsDirectoryNode dir)
            {
                throw new MdevException(Errno.ENOTDIR, $"sysfs: {directory} is not a directory");
            }

            foreach (var entry in template.Entries)
            {
                if (dir.ContainsChild(entry.Name))
                {
                    throw new MdevException(Errno.EEXIST, $"sysfs: cannot create duplicate filename '{directory}/{entry.Name}'");
                }
            }

            dir.SetTemplate(template, owner);
        }
    }

    /// <summary>Kernel side: removes whatever is left of <paramref name="template"/>'s entries in <paramref name="directory"/>.</summary>
    internal void RemoveTemplate(string directory, SysfsTemplate template)
    {
        foreach (var entry in template.Entries)
        {
            TryRemove(directory + "/" + entry.Name);
        }
    }

    /// <summary>
    /// Removes a template entry that no lookup has made a node of (nothing holds it, so nothing is marked or announced:
    /// a kernel that never looked a name up has no dentry of it). Under the lock.
    /// </summary>
    private bool TryRemovePending(string path)
    {
        int slash = path.LastIndexOf('/');
        var name = path.AsSpan(slash + 1);
        if (slash <= 0 || name.IsEmpty || name is "." or "..")
        {
            return false;
        }

        int hops = 0;
        return TryResolve(path.AsSpan(0, slash), followFinal: true, ref hops, out var parent) == 0
            && parent is SysfsDirectoryNode dir
            && dir.TryRemovePending(name);
    }

    private static void MarkRemoved(SysfsNode node)
    {
        node.Removed = true;
        if (node is SysfsDirectoryNode dir)
        {
            dir.ForEachChild(MarkRemoved);
        }
    }

    private static string CheckedName(string path, string name)
    {
        if (!path.AsSpan(path.LastIndexOf('/') + 1).SequenceEqual(name))
        {
            throw new ArgumentException($"sysfs: {name} is not the last component of {path}", nameof(name));
        }

        if (!SysfsPath.IsValidName(name))
        {
            throw new MdevException(Errno.EINVAL, $"sysfs: invalid name in {path}");
        }

        return name;
    }

    private static string CheckedName(string path)
    {
        var name = SysfsNames.NameOf(path);
        if (!SysfsPath.IsValidName(name))
        {
            throw new MdevException(Errno.EINVAL, $"sysfs: invalid name in {path}");
        }

        return name;
    }

    /// <summary>Links <paramref name="node"/> (named after the last component of <paramref name="path"/>) into its directory.</summary>
    private void AddNode(string path, SysfsNode node)
    {
        var name = node.Name;
        lock (_lock)
        {
            int hops = 0;
            var errno = TryResolve(path.AsSpan(0, Math.Max(path.LastIndexOf('/'), 0)), followFinal: true, ref hops, out var parent);
            if (errno != 0)
            {
                _ = Resolve(SysfsPath.DirectoryOf(path), followFinal: true); // throws the same error with its message
            }

            if (parent is not SysfsDirectoryNode dir)
            {
                throw new MdevException(Errno.ENOTDIR, $"sysfs: parent of {path} is not a directory");
            }

            if (dir.ContainsChild(name))
            {
                throw new MdevException(Errno.EEXIST, $"sysfs: cannot create duplicate filename '{path}'");
            }

            node.Parent = dir;
            dir.AddChild(node);
        }
    }

    private static string RelativeTarget(SysfsLinkNode link) =>
        SysfsPath.Relative(link.Parent?.Path ?? SysfsPath.Root, link.Target);

    private SysfsNode Resolve(string path, bool followFinal)
    {
        int hops = 0;
        return TryResolve(path, followFinal, ref hops, out var node) switch
        {
            0 => node!,
            Errno.ENOTDIR => throw new MdevException(Errno.ENOTDIR, $"{path}: a component is not a directory"),
            Errno.ELOOP => throw new MdevException(Errno.ELOOP, $"{path}: too many levels of symbolic links"),
            _ => throw new MdevException(Errno.ENOENT, $"{path}: no such file or directory"),
        };
    }

    private Errno TryResolve(string path, bool followFinal, out SysfsNode? node)
    {
        int hops = 0;
        return TryResolve(path, followFinal, ref hops, out node);
    }

    private Errno TryResolve(ReadOnlySpan<char> path, bool followFinal, ref int hops, out SysfsNode? node)
    {
        // Walks the path component by component as spans: resolving allocates nothing.
        node = null;
        if (!SysfsPath.IsBelowRoot(path))
        {
            return Errno.ENOENT;
        }

        SysfsNode current = _root;
        var rest = path[SysfsPath.Root.Length..];
        while (true)
        {
            rest = rest.TrimStart('/');
            if (rest.IsEmpty)
            {
                break;
            }

            int slash = rest.IndexOf('/');
            var part = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? [] : rest[slash..];
            if (current is not SysfsDirectoryNode dir)
            {
                return Errno.ENOTDIR;
            }

            if (part is ".")
            {
                continue;
            }

            if (part is "..")
            {
                current = dir.Parent ?? _root;
                continue;
            }

            if (!dir.TryGetChild(part, out var child))
            {
                return Errno.ENOENT;
            }

            bool last = rest.TrimStart('/').IsEmpty;
            if (child is SysfsLinkNode link && (!last || followFinal))
            {
                if (++hops > MaxSymlinkHops)
                {
                    return Errno.ELOOP;
                }

                var errno = TryResolve(link.Target, followFinal: true, ref hops, out var target);
                if (errno != 0)
                {
                    return errno;
                }

                child = target!;
            }

            current = child;
        }

        node = current;
        return 0;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
