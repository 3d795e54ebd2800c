namespace Mdev.Vfio;

/// <summary><c>VFIO_REGION_INFO_CAP_MSIX_MAPPABLE</c> (id 3): the MSI-X table of this BAR may be mmapped. No body.</summary>
public sealed record VfioMsixMappableCapability : VfioRegionCapability
{
    /// <summary><c>VFIO_REGION_INFO_CAP_MSIX_MAPPABLE</c>.</summary>
    public const ushort CapabilityId = 3;

    /// <inheritdoc />
    public override ushort Id => CapabilityId;

    internal override int Size => 8;

    internal override void WriteBody(Span<byte> body)
    {
    }
}
