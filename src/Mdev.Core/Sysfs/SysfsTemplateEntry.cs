namespace Mdev.Core.Sysfs;

/// <summary>
/// One node of a <see cref="SysfsTemplate"/>: its name, its kind and how to make it for one directory's owner (as a
/// kernel <c>struct device_attribute</c> is static and shared, and only its kernfs node is per device).
/// </summary>
internal sealed class SysfsTemplateEntry
{
    private readonly Func<string, object, SysfsDirectoryNode, SysfsNode> _create;

    private SysfsTemplateEntry(string name, SysfsNodeKind kind, Func<string, object, SysfsDirectoryNode, SysfsNode> create)
    {
        if (!SysfsPath.IsValidName(name))
        {
            throw new ArgumentException($"sysfs template: invalid name '{name}'", nameof(name));
        }

        Name = SysfsNames.Shared(name);
        Kind = kind;
        _create = create;
    }

    /// <summary>The node's name (one shared string).</summary>
    public string Name { get; }

    /// <summary>What the node is, for listings before it is made.</summary>
    public SysfsNodeKind Kind { get; }

    /// <summary>An attribute of the directory's owner, with callbacks shared by its kind (static lambdas taking the owner).</summary>
    /// <exception cref="ArgumentException">The mode breaks a kernel rule (a programming error).</exception>
    public static SysfsTemplateEntry Attribute<TOwner>(string name, UnixFileMode mode, Func<TOwner, string>? show, Action<TOwner, string>? store)
        where TOwner : class
    {
        if (SysfsModes.Validate(mode, show is not null, store is not null) is { } broken)
        {
            throw new ArgumentException($"sysfs template: attribute {name}: {broken}", nameof(mode));
        }

        return new(name, SysfsNodeKind.File, (n, owner, _) => SysfsAttributeNode.Owned(n, mode, (TOwner)owner, show, store));
    }

    /// <summary>An attribute whose show is the same text for everyone (read-only, no owner).</summary>
    public static SysfsTemplateEntry Constant(string name, string text)
    {
        Func<string> show = () => text;
        return new(name, SysfsNodeKind.File, (n, _, _) => new SysfsAttributeNode(n, SysfsModes.ReadOnly, show, null));
    }

    /// <summary>A link to one absolute target shared by every directory of the kind (e.g. <c>subsystem</c> → <c>/sys/bus/mdev</c>).</summary>
    public static SysfsTemplateEntry Link(string name, string target)
    {
        if (!SysfsPath.IsBelowRoot(target))
        {
            throw new ArgumentException($"sysfs template: link {name}: target {target} is not below {SysfsPath.Root}", nameof(target));
        }

        return new(name, SysfsNodeKind.Symlink, (n, _, _) => new SysfsLinkNode(n, target));
    }

    /// <summary>
    /// A directory of its own template (e.g. <c>power/</c>); <paramref name="ownerOf"/> makes its owner when it is made,
    /// from the parent directory's owner and the parent (under the tree lock).
    /// </summary>
    public static SysfsTemplateEntry Directory(string name, SysfsTemplate template, Func<object, SysfsDirectoryNode, object> ownerOf) =>
        new(name, SysfsNodeKind.Directory, (n, owner, parent) =>
        {
            var dir = new SysfsDirectoryNode(n);
            dir.SetTemplate(template, ownerOf(owner, parent));
            return dir;
        });

    /// <summary>Makes the node for a directory whose owner is <paramref name="owner"/> (the caller links it in).</summary>
    public SysfsNode Create(object owner, SysfsDirectoryNode parent) => _create(Name, owner, parent);
}
