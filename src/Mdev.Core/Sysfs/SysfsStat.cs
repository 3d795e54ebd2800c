namespace Mdev.Core.Sysfs;

/// <summary>What <c>stat(2)</c> reports for a sysfs node.</summary>
/// <param name="Kind">Directory, attribute file or symlink.</param>
/// <param name="Mode">Permission bits (e.g. 0444 for a read-only attribute, 0200 for <c>create</c>).</param>
/// <param name="Size">4096 for every text attribute (as sysfs reports), a binary attribute's own size (<c>config</c>: 256 or 4096), 0 for directories and symlinks (kernfs sets no size on them).</param>
public readonly record struct SysfsStat(SysfsNodeKind Kind, UnixFileMode Mode, long Size);
