using System.Buffers.Binary;

namespace Mdev.Vfio;

/// <summary><c>VFIO_REGION_INFO_CAP_SPARSE_MMAP</c> (id 1): only the listed areas of the region may be mmapped.</summary>
/// <param name="Areas">The mmap-able areas.</param>
public sealed record VfioSparseMmapCapability(IReadOnlyList<VfioSparseMmapArea> Areas) : VfioRegionCapability
{
    /// <summary><c>VFIO_REGION_INFO_CAP_SPARSE_MMAP</c>.</summary>
    public const ushort CapabilityId = 1;

    /// <inheritdoc />
    public override ushort Id => CapabilityId;

    internal override int Size => 16 + (16 * Areas.Count);

    internal override void WriteBody(Span<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)Areas.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], 0);
        for (int i = 0; i < Areas.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body[(8 + (16 * i))..], Areas[i].Offset);
            BinaryPrimitives.WriteUInt64LittleEndian(body[(16 + (16 * i))..], Areas[i].Size);
        }
    }

    /// <inheritdoc />
    public bool Equals(VfioSparseMmapCapability? other) => other is not null && Areas.SequenceEqual(other.Areas);

    /// <inheritdoc />
    public override int GetHashCode() => Areas.Count;
}
