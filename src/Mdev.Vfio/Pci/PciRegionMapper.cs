namespace Mdev.Vfio.Pci;

/// <summary>
/// An mmap of a region declared with <see cref="VfioRegionFlags.Mmap"/> on a <see cref="PciDevice"/>: return the memory
/// behind <c>[offset, offset + length)</c> of the region. The device file has checked that the window lies in the region
/// (and in one of its sparse areas when it has them); the device holds its lock.
/// </summary>
/// <param name="offset">The offset within the region.</param>
/// <param name="length">The window's length.</param>
/// <returns>One contiguous block of exactly <paramref name="length"/> bytes.</returns>
public delegate Memory<byte> PciRegionMapper(long offset, long length);
