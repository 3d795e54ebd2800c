namespace Mdev.Vfio;

/// <summary>
/// A capability of a region's info chain (the region-info id space of <c>vfio_info_cap_header</c>): the closed set
/// <see cref="VfioSparseMmapCapability"/>, <see cref="VfioRegionTypeCapability"/>, <see cref="VfioMsixMappableCapability"/>.
/// </summary>
public abstract record VfioRegionCapability
{
    private protected VfioRegionCapability()
    {
    }

    /// <summary>The capability id.</summary>
    public abstract ushort Id { get; }

    /// <summary>The capability version.</summary>
    public virtual ushort Version => 1;

    /// <summary>The size of the capability's struct in bytes, header included, before padding.</summary>
    internal abstract int Size { get; }

    /// <summary>Writes the body after the 8-byte header.</summary>
    internal abstract void WriteBody(Span<byte> body);
}
