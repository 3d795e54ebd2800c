using Mdev.Core.Sysfs;

namespace Mdev.Fuse;

/// <summary>
/// One open directory behind a FUSE directory handle: the listing taken at offset 0 (<c>opendir</c>, <c>rewinddir</c>)
/// that later <c>readdir</c> calls continue, so a listing read in several buffers is one consistent snapshot.
/// </summary>
/// <remarks>Thread-safe: its own lock guards the snapshot.</remarks>
internal sealed class OpenDirectory(SysfsTree tree, SysfsNode directory)
{
    private readonly Lock _lock = new();
    private SysfsDirectoryEntry[]? _entries;

    /// <summary>The entries from <paramref name="offset"/> on (0 takes a fresh listing); <c>.</c> and <c>..</c> are offsets 0 and 1.</summary>
    public ReadOnlyMemory<SysfsDirectoryEntry> From(long offset)
    {
        lock (_lock)
        {
            if (offset == 0 || _entries is null)
            {
                var children = tree.ListChildren(directory);
                var all = new SysfsDirectoryEntry[children.Length + 2];
                all[0] = new SysfsDirectoryEntry(".", SysfsNodeKind.Directory);
                all[1] = new SysfsDirectoryEntry("..", SysfsNodeKind.Directory);
                children.CopyTo(all, 2);
                _entries = all;
            }

            return offset >= _entries.Length ? ReadOnlyMemory<SysfsDirectoryEntry>.Empty : _entries.AsMemory((int)offset);
        }
    }
}
