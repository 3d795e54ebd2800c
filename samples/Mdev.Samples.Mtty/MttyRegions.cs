using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty;

/// <summary>mtty's regions (<c>mtty_ioctl_get_region_info</c>): the nine vfio-pci indexes at <c>index &lt;&lt; 40</c>, all READ|WRITE, no mmap, no capabilities.</summary>
internal static class MttyRegions
{
    public const uint Bar0 = 0;
    public const uint Bar1 = 1;
    public const uint Config = 7;
    public const uint Count = 9; // VFIO_PCI_NUM_REGIONS

    public static VfioRegionInfo Info(MdevDevice mdev, int nrPorts, uint index)
    {
        if (index >= Count)
        {
            throw new MdevException(Errno.EINVAL, $"region info {index} on {mdev.Name}: mtty has regions 0..{Count - 1} only");
        }

        ulong size = index switch
        {
            Config => MttyCatalog.ConfigSpaceSize,
            Bar0 => MttyCatalog.IoBarSize,
            Bar1 when nrPorts == 2 => MttyCatalog.IoBarSize,
            _ => 0, // even zero-sized regions report READ|WRITE
        };
        return new VfioRegionInfo(index, VfioRegionFlags.Read | VfioRegionFlags.Write, size, (ulong)VfioRegionOffsets.PciIndexToOffset(index));
    }
}
