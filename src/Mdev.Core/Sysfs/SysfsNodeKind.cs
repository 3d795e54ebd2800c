namespace Mdev.Core.Sysfs;

/// <summary>What a sysfs node is, as <c>d_type</c>/<c>st_mode</c> would say.</summary>
public enum SysfsNodeKind
{
    /// <summary>A directory (kobject, attribute group or kset).</summary>
    Directory,
    /// <summary>An attribute file.</summary>
    File,
    /// <summary>A symbolic link.</summary>
    Symlink,
}
