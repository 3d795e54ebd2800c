namespace Mdev.Vfio;

/// <summary>One <c>struct vfio_dma</c>: a mapped IOVA range, its permissions, the caller's memory and its pinned pages.</summary>
internal sealed class DmaMapping(ulong iova, ulong vaddr, ulong size, DmaMapFlags prot, Memory<byte> backing)
{
    public ulong Iova { get; } = iova;

    public ulong Vaddr { get; } = vaddr;

    public ulong Size { get; } = size;

    /// <summary>The last byte's IOVA (inclusive, so a mapping ending at 2^64 does not overflow).</summary>
    public ulong Last { get; } = iova + size - 1;

    /// <summary><see cref="DmaMapFlags.Read"/> and/or <see cref="DmaMapFlags.Write"/>.</summary>
    public DmaMapFlags Prot { get; } = prot;

    public Memory<byte> Backing { get; } = backing;

    /// <summary>Page IOVA → pin reference count (<c>pfn_list</c>); created on the first pin.</summary>
    public Dictionary<ulong, int>? Pins { get; set; }

    public bool HasPins => Pins is { Count: > 0 };

    /// <summary>Page IOVAs dirtied since the last report (<c>dma-&gt;bitmap</c>); null while dirty tracking is off.</summary>
    public HashSet<ulong>? Dirty { get; set; }

    /// <summary><c>vfio_dma_populate_bitmap</c>: a fresh bitmap holding the pinned pages, which count as dirty.</summary>
    public void PopulateDirty() => Dirty = Pins is null ? [] : [.. Pins.Keys];
}
