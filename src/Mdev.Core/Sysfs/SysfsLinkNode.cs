namespace Mdev.Core.Sysfs;

/// <summary>A symlink; the target is kept absolute and printed relative to the link's directory, as sysfs does.</summary>
internal sealed class SysfsLinkNode(string name, string target) : SysfsNode(name)
{
    /// <summary>The absolute target path below <c>/sys</c>.</summary>
    public string Target { get; } = target;

    public override SysfsNodeKind Kind => SysfsNodeKind.Symlink;
}
