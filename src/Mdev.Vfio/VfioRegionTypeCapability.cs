using System.Buffers.Binary;

namespace Mdev.Vfio;

/// <summary><c>VFIO_REGION_INFO_CAP_TYPE</c> (id 2): a device-specific region's type and subtype.</summary>
/// <param name="Type">The type (e.g. 2 CCW, 1 GFX, or <c>0x80000000 | vendor id</c>).</param>
/// <param name="Subtype">The subtype (e.g. CCW ASYNC_CMD 1, SCHIB 2, CRW 3; Intel OpRegion 1; GFX EDID 1).</param>
public sealed record VfioRegionTypeCapability(uint Type, uint Subtype) : VfioRegionCapability
{
    /// <summary><c>VFIO_REGION_INFO_CAP_TYPE</c>.</summary>
    public const ushort CapabilityId = 2;

    /// <inheritdoc />
    public override ushort Id => CapabilityId;

    internal override int Size => 16;

    internal override void WriteBody(Span<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(body, Type);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], Subtype);
    }
}
