namespace Mdev.Core.Sysfs;

/// <summary>A sysfs directory: a kobject, an attribute group or a kset.</summary>
internal sealed class SysfsDirectoryNode(string name) : SysfsNode(name)
{
    /// <summary>Children by name, kept in ordinal order so listings are deterministic.</summary>
    public SortedDictionary<string, SysfsNode> Children { get; } = new(StringComparer.Ordinal);

    public override SysfsNodeKind Kind => SysfsNodeKind.Directory;
}
