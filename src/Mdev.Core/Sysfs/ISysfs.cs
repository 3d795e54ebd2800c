namespace Mdev.Core.Sysfs;

/// <summary>
/// The user-space view of <c>/sys</c>: the small surface that tooling (mdevctl-style managers, test benches) needs.
/// Implemented by the simulated <see cref="SysfsTree"/> and by <see cref="DirectorySysfs"/> over a real directory
/// (the host's <c>/sys</c> or a fixture), so tooling written against it runs on either unchanged.
/// </summary>
/// <remarks>
/// Paths are absolute and start with <c>/sys</c>. Intermediate symlinks are followed as the VFS would. Every failure
/// is an <see cref="MdevException"/> carrying the errno the syscall would return (<c>ENOENT</c>, <c>EACCES</c>,
/// <c>ENOTDIR</c>, <c>EISDIR</c>, <c>EINVAL</c> for <c>readlink</c> of a non-link, or the attribute's own errno).
/// </remarks>
public interface ISysfs
{
    /// <summary>Returns what <c>stat(2)</c> (or <c>lstat(2)</c> when <paramref name="followSymlinks"/> is false) reports.</summary>
    /// <param name="path">An absolute path below <c>/sys</c>.</param>
    /// <param name="followSymlinks">Follow a symlink in the last component (<c>stat</c>) or not (<c>lstat</c>).</param>
    /// <returns>The node's kind, mode and size.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> when the path does not exist, <c>ENOTDIR</c> when a component is not a directory.</exception>
    SysfsStat Stat(string path, bool followSymlinks = true);

    /// <summary>Lists a directory (without <c>.</c> and <c>..</c>).</summary>
    /// <param name="path">An absolute path of a directory (or a link to one).</param>
    /// <returns>The entries, sorted by name (ordinal).</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> when missing, <c>ENOTDIR</c> when not a directory.</exception>
    IReadOnlyList<SysfsDirectoryEntry> ReadDirectory(string path);

    /// <summary>Returns a symlink's target exactly as <c>readlink(2)</c> does: the kernel's relative path.</summary>
    /// <param name="path">An absolute path whose last component is a symlink.</param>
    /// <returns>The relative target, e.g. <c>../../devices/virtual/mtty/mtty</c>.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> when the node is not a symlink, <c>ENOENT</c> when missing.</exception>
    string ReadLink(string path);

    /// <summary>Reads an attribute: one <c>show</c> snapshot, text exactly as the kernel prints it (newline included).</summary>
    /// <param name="path">An absolute path of an attribute file (or a link to one).</param>
    /// <returns>The attribute's text.</returns>
    /// <exception cref="MdevException"><c>EACCES</c> for a write-only attribute (even for root), <c>EISDIR</c> for a directory, <c>ENOENT</c> when missing, or the attribute's own errno.</exception>
    string Read(string path);

    /// <summary>Writes an attribute: one call is one <c>store</c> of at most 4096 bytes.</summary>
    /// <param name="path">An absolute path of an attribute file (or a link to one).</param>
    /// <param name="data">The bytes to store (text, usually ASCII).</param>
    /// <returns>The number of bytes consumed, as <c>write(2)</c> returns it.</returns>
    /// <exception cref="MdevException"><c>EACCES</c> for a read-only attribute (even for root), <c>EISDIR</c>, <c>ENOENT</c>, or the errno of the store (e.g. <c>EINVAL</c>, <c>EEXIST</c>).</exception>
    int Write(string path, ReadOnlySpan<byte> data);
}
