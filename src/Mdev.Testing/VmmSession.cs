using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing;

/// <summary>
/// One device opened the way a VMM opens it, with guest-side helpers: config-space accessors, region accessors by
/// region index, interrupts through eventfds with waits that time out, and guest RAM for DMA at IOVA 0.
/// </summary>
public sealed partial class VmmSession : IDisposable
{
    /// <summary>The PCI config region's index (<c>VFIO_PCI_CONFIG_REGION_INDEX</c>).</summary>
    public const uint PciConfigRegion = VfioPciRegion.Config;

    private readonly List<EventFd> _eventFds = [];

    internal VmmSession(VfioModule vfio, MdevDevice device, int guestMemorySize)
    {
        Container = vfio.OpenContainer();
        try
        {
            var group = vfio.FindGroup(device) ?? throw new MdevException(Errno.ENODEV, $"{device.Name} is not bound to a VFIO driver");
            Group = vfio.OpenGroup(group.Id);
            Group.SetContainer(Container);
            Container.SetIommu(VfioExtension.Type1v2Iommu);
            GuestMemory = new byte[guestMemorySize];
            Container.MapDma(0, GuestMemory, DmaMapFlags.Read | DmaMapFlags.Write);
            Device = Group.GetDeviceFile(device.Name);
            Info = Device.GetInfo();
            var regions = new List<VfioRegionInfo?>();
            for (uint i = 0; i < Info.NumRegions; i++)
            {
                regions.Add(TryRegion(i));
            }

            Regions = regions;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The container.</summary>
    public VfioContainer Container { get; }

    /// <summary>The group file (null only while construction failed).</summary>
    public VfioGroup Group { get; } = null!;

    /// <summary>The device file.</summary>
    public VfioDevice Device { get; } = null!;

    /// <summary>The device info read at open.</summary>
    public VfioDeviceInfo Info { get; }

    /// <summary>Every region index's info (null where the vendor refuses the index).</summary>
    public IReadOnlyList<VfioRegionInfo?> Regions { get; } = [];

    /// <summary>Guest RAM, mapped read-write at IOVA 0.</summary>
    public Memory<byte> GuestMemory { get; }

    /// <summary>Reads a config byte.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public byte ReadConfig8(int offset) => (byte)ReadRegion(PciConfigRegion, offset, 1);

    /// <summary>Reads a config word.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public ushort ReadConfig16(int offset) => (ushort)ReadRegion(PciConfigRegion, offset, 2);

    /// <summary>Reads a config dword.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public uint ReadConfig32(int offset) => ReadRegion(PciConfigRegion, offset, 4);

    /// <summary>Writes a config dword.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The value.</param>
    public void WriteConfig32(int offset, uint value) => WriteRegion(PciConfigRegion, offset, value, 4);

    /// <summary>Writes a config byte.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The value.</param>
    public void WriteConfig8(int offset, byte value) => WriteRegion(PciConfigRegion, offset, value, 1);

    /// <summary>Reads 1, 2 or 4 bytes (little endian) at <paramref name="offset"/> of region <paramref name="region"/>.</summary>
    /// <param name="region">The region index (BAR0 = 0 for PCI).</param>
    /// <param name="offset">The offset in the region.</param>
    /// <param name="size">1, 2 or 4.</param>
    /// <returns>The value.</returns>
    public uint ReadRegion(uint region, long offset, int size)
    {
        Span<byte> b = stackalloc byte[4];
        b.Clear();
        int n = Device.Read(b[..size], RegionOffset(region) + offset);
        if (n != size)
        {
            throw new MdevException(Errno.EIO, $"short read of region {region} at 0x{offset:x}: {n} of {size}");
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Writes 1, 2 or 4 bytes (little endian) at <paramref name="offset"/> of region <paramref name="region"/>.</summary>
    /// <param name="region">The region index.</param>
    /// <param name="offset">The offset in the region.</param>
    /// <param name="value">The value.</param>
    /// <param name="size">1, 2 or 4.</param>
    public void WriteRegion(uint region, long offset, uint value, int size)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        int n = Device.Write(b[..size], RegionOffset(region) + offset);
        if (n != size)
        {
            throw new MdevException(Errno.EIO, $"short write of region {region} at 0x{offset:x}: {n} of {size}");
        }
    }

    /// <summary>Binds a new eventfd to interrupt <paramref name="vector"/> of IRQ index <paramref name="index"/> (SET_IRQS TRIGGER|EVENTFD).</summary>
    /// <param name="index">The IRQ index (0 INTx, 1 MSI for PCI).</param>
    /// <param name="vector">The interrupt within the index.</param>
    /// <returns>The eventfd the device signals.</returns>
    public EventFd EnableIrq(uint index, uint vector = 0)
    {
        var efd = new EventFd();
        _eventFds.Add(efd);
        Device.SetIrqs(VfioIrqSet.TriggerEventFds(index, vector, efd));
        return efd;
    }

    /// <summary>SET_IRQS UNMASK of an auto-masked line (what a VMM does after the guest's EOI).</summary>
    /// <param name="index">The IRQ index.</param>
    public void Unmask(uint index = 0) => Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionUnmask, index, 0, 1));

    /// <summary>Waits until <paramref name="eventFd"/> is signalled, and consumes it.</summary>
    /// <param name="eventFd">The interrupt's eventfd.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The counter read (how many signals were pending).</returns>
    /// <exception cref="TimeoutException">No interrupt came in time.</exception>
    public static async Task<ulong> WaitForIrqAsync(EventFd eventFd, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await eventFd.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no interrupt within {timeout}");
        }
    }

    /// <summary>Closes the device file, the group and the container, and every eventfd this session made.</summary>
    public void Dispose()
    {
        Device?.Dispose();
        Group?.Dispose();
        Container.Dispose();
        foreach (var efd in _eventFds)
        {
            efd.Dispose();
        }
    }

    private long RegionOffset(uint region) =>
        (long)(region < Regions.Count && Regions[(int)region] is { } info
            ? info.Offset
            : throw new MdevException(Errno.EINVAL, $"region {region}: the device has no such region"));

    private VfioRegionInfo? TryRegion(uint index)
    {
        try
        {
            return Device.GetRegionInfo(index);
        }
        catch (MdevException ex) when (ex.Errno == Errno.EINVAL)
        {
            return null;
        }
    }
}
