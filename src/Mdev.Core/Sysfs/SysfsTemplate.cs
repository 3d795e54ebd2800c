namespace Mdev.Core.Sysfs;

/// <summary>
/// The nodes every directory of one kind has, the same for each but for their owner: the driver core's default files of
/// a device (<c>uevent</c>, <c>power/</c>, <c>subsystem</c>), an mdev's <c>remove</c>, an IOMMU group's <c>name</c>,
/// <c>reserved_regions</c> and <c>type</c>. Described once and shared, as the kernel's attribute groups are static per
/// type while only the kernfs nodes are per device; a directory holds the template, its owner and a bit per entry, and
/// makes an entry's node only when the entry is first looked up (<see cref="SysfsDirectoryNode.TryGetChild(ReadOnlySpan{char}, out SysfsNode?)"/>),
/// so the node's identity is stable from its first lookup to its removal, as a FUSE node id needs. Immutable.
/// </summary>
internal sealed class SysfsTemplate
{
    /// <summary>At most this many entries (one bit each).</summary>
    public const int MaxEntries = 32;

    private readonly SysfsTemplateEntry[] _entries;

    public SysfsTemplate(params SysfsTemplateEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Length is 0 or > MaxEntries)
        {
            throw new ArgumentException($"sysfs template: 1 to {MaxEntries} entries", nameof(entries));
        }

        _entries = (SysfsTemplateEntry[])entries.Clone();
        Array.Sort(_entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < _entries.Length; i++)
        {
            if (_entries[i].Name == _entries[i - 1].Name)
            {
                throw new ArgumentException($"sysfs template: {_entries[i].Name} twice", nameof(entries));
            }
        }

        AllEntries = _entries.Length == MaxEntries ? uint.MaxValue : (1u << _entries.Length) - 1;
    }

    /// <summary>The entries in ordinal name order; bit <c>i</c> of a directory's pending mask is entry <c>i</c>.</summary>
    public ReadOnlySpan<SysfsTemplateEntry> Entries => _entries;

    /// <summary>The mask with every entry's bit set.</summary>
    public uint AllEntries { get; }

    /// <summary>The index of the entry called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> name)
    {
        int lo = 0, hi = _entries.Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int c = _entries[mid].Name.AsSpan().SequenceCompareTo(name);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
