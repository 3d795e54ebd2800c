namespace Mdev.Core.Sysfs;

/// <summary>One entry of a sysfs directory listing (what <c>getdents64</c> returns: a name and a <c>d_type</c>).</summary>
/// <param name="Name">The entry's name, without any path.</param>
/// <param name="Kind">The entry's own kind; a symlink is reported as <see cref="SysfsNodeKind.Symlink"/>, not followed.</param>
public readonly record struct SysfsDirectoryEntry(string Name, SysfsNodeKind Kind);
