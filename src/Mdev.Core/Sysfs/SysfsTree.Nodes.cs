namespace Mdev.Core.Sysfs;

/// <summary>
/// The node-level view of the tree for a filesystem that serves nodes by identity (Mdev.Fuse's node ids): one
/// component at a time, as the VFS asks, and an announcement of every removal so that the kernel's caches of the
/// removed names can be invalidated.
/// </summary>
public sealed partial class SysfsTree
{
    /// <summary>
    /// Raised after a node (and everything below it) left the tree, with the directory it was removed from. Runs on
    /// the removing thread after the tree lock is released and before <see cref="Remove"/>/<see cref="TryRemove"/>
    /// return; handlers must not throw and must not call back into a removal.
    /// </summary>
    internal event Action<SysfsDirectoryNode, SysfsNode>? NodeRemoved;

    /// <summary>The tree's root, <c>/sys</c>.</summary>
    internal SysfsDirectoryNode RootNode => _root;

    /// <summary>What <c>lstat</c> reports for <paramref name="node"/> (kind and mode never change for a node).</summary>
    internal static SysfsStat StatOf(SysfsNode node) => node switch
    {
        SysfsDirectoryNode => new SysfsStat(SysfsNodeKind.Directory, SysfsModes.Directory, 0),
        SysfsAttributeNode a => new SysfsStat(SysfsNodeKind.File, a.Mode, a.BinarySize ?? AttributeSize),
        SysfsLinkNode => new SysfsStat(SysfsNodeKind.Symlink, SysfsModes.Symlink, 0), // kernfs never sets i_size of a link
        _ => throw new InvalidOperationException("unknown node kind"),
    };

    /// <summary>One lookup step: the child <paramref name="name"/> of <paramref name="directory"/>, symlinks not followed.</summary>
    /// <returns>0 and the child; <c>ENOTDIR</c> when <paramref name="directory"/> is not a directory; <c>ENOENT</c> when the name is missing or the directory was removed.</returns>
    internal Errno TryLookupChild(SysfsNode directory, string name, out SysfsNode? child)
    {
        child = null;
        if (directory is not SysfsDirectoryNode dir)
        {
            return Errno.ENOTDIR;
        }

        lock (_lock)
        {
            if (dir.Removed || !dir.TryGetChild(name, out child))
            {
                child = null;
                return Errno.ENOENT;
            }

            return 0;
        }
    }

    /// <summary>Lists <paramref name="directory"/> as <see cref="ReadDirectory"/> does.</summary>
    /// <exception cref="MdevException"><c>ENOTDIR</c>, or <c>ENOENT</c> once the directory was removed.</exception>
    internal SysfsDirectoryEntry[] ListChildren(SysfsNode directory)
    {
        if (directory is not SysfsDirectoryNode dir)
        {
            throw new MdevException(Errno.ENOTDIR, $"readdir {directory.Name}: not a directory");
        }

        lock (_lock)
        {
            if (dir.Removed)
            {
                throw new MdevException(Errno.ENOENT, $"readdir {directory.Name}: the directory was removed");
            }

            return dir.ListEntries();
        }
    }

    /// <summary>The relative target of <paramref name="link"/>, as <see cref="ReadLink"/> prints it (also after its removal).</summary>
    internal string ReadLinkOf(SysfsLinkNode link)
    {
        lock (_lock)
        {
            return RelativeTarget(link);
        }
    }

    /// <summary>The absolute path of <paramref name="node"/> (for messages), taken under the lock.</summary>
    internal string PathOf(SysfsNode node)
    {
        lock (_lock)
        {
            return node.Path;
        }
    }

    private void OnRemoved(SysfsDirectoryNode parent, SysfsNode node) => NodeRemoved?.Invoke(parent, node);
}
