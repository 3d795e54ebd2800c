namespace Mdev.Core.Sysfs;

/// <summary>A node of the simulated sysfs (a kernfs node). Structure is guarded by <see cref="SysfsTree"/>'s lock.</summary>
internal abstract class SysfsNode
{
    protected SysfsNode(string name) => Name = name;

    public string Name { get; }

    /// <summary>The directory holding this node; null only for the root (<c>/sys</c>).</summary>
    public SysfsDirectoryNode? Parent { get; set; }

    /// <summary>Set once the node has left the tree (kernfs "deactivated"): open files on it then fail with ENODEV.</summary>
    public volatile bool Removed;

    public abstract SysfsNodeKind Kind { get; }

    /// <summary>The absolute path, built by walking up; call under the tree lock or on a node that cannot move.</summary>
    public string Path
    {
        get
        {
            if (Parent is null)
            {
                return SysfsPath.Root;
            }

            var parts = new Stack<string>();
            for (SysfsNode? n = this; n?.Parent is not null; n = n.Parent)
            {
                parts.Push(n.Name);
            }

            return SysfsPath.Root + "/" + string.Join('/', parts);
        }
    }
}
