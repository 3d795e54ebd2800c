namespace Mdev.Vfio.Pci;

/// <summary>
/// A guest write to a region declared on a <see cref="PciDevice"/>: <paramref name="source"/> lands at
/// <paramref name="offset"/> bytes into the region. The device has already checked the bounds and holds its lock;
/// throw an <see cref="Mdev.Core.MdevException"/> to refuse the access.
/// </summary>
/// <param name="offset">The offset within the region (never the device-file offset).</param>
/// <param name="source">The bytes written; its length is the access size (at most what is left of the region).</param>
public delegate void PciRegionWriter(long offset, ReadOnlySpan<byte> source);
