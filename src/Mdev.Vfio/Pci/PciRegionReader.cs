namespace Mdev.Vfio.Pci;

/// <summary>
/// A guest read of a region declared on a <see cref="PciDevice"/>: fill <paramref name="destination"/> from
/// <paramref name="offset"/> bytes into the region. The device has already checked the bounds and holds its lock;
/// throw an <see cref="Mdev.Core.MdevException"/> to refuse the access (e.g. <c>EINVAL</c> for a width the register does not take).
/// </summary>
/// <param name="offset">The offset within the region (never the device-file offset).</param>
/// <param name="destination">Where the bytes go; its length is the access size (at most what is left of the region).</param>
public delegate void PciRegionReader(long offset, Span<byte> destination);
