using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing;

/// <content>What a device must do behind its info: config space, regions and interrupts that work as advertised.</content>
public sealed partial class VendorDriverContractRunner
{
    /// <summary>
    /// A <c>vfio-pci</c> device: the PCI flag, at least the nine vfio-pci regions, a readable and writable config region
    /// of at least 64 bytes, a vendor id that is neither 0 nor 0xffff, header type 0, and every BAR sizing to exactly
    /// its region's size (an empty region's BAR sizes to 0; a 64-bit BAR's upper half has an empty region).
    /// </summary>
    /// <returns>A task.</returns>
    public async Task PciConfig_IsSaneAndItsBarsMatchTheRegions()
    {
        await using var host = CreateHost();
        var type = CreatableType(host);
        if (host.Core.Sysfs.Read(type.SysfsPath + "/device_api") != "vfio-pci\n")
        {
            return; // not a PCI device: nothing of this applies
        }

        using var session = host.Open(host.CreateDevice(type.Name));
        Check.True((session.Info.Flags & VfioDeviceFlags.Pci) != 0, $"device_api vfio-pci, but GET_INFO flags {session.Info.Flags} lack VFIO_DEVICE_FLAGS_PCI");
        Check.True(session.Info.NumRegions >= VfioPciRegion.NumRegions, $"a vfio-pci device has at least {VfioPciRegion.NumRegions} regions, not {session.Info.NumRegions}");
        var config = session.Regions[(int)VfioPciRegion.Config];
        Check.True(config is { Size: >= 64 } && (config.Flags & (VfioRegionFlags.Read | VfioRegionFlags.Write)) == (VfioRegionFlags.Read | VfioRegionFlags.Write), $"config region {config}: READ|WRITE and at least the 64-byte header");

        ushort vendor = Try(() => session.ReadConfig16(0x00), "config read of the vendor id");
        Check.True(vendor is not (0 or 0xFFFF), $"vendor id 0x{vendor:x4} means no device");
        Check.NotEqual(0xFFFF, session.ReadConfig16(0x02));
        Check.Equal(0, session.ReadConfig8(0x0e) & 0x7f);
        for (int bar = 0; bar < 6; bar++)
        {
            ulong regionSize = session.Regions[bar]?.Size ?? 0;
            var (kind, size) = Try(() => session.SizeBar(bar), $"BAR{bar} sizing");
            Check.True(size == regionSize, $"BAR{bar} sizes to 0x{size:x} ({kind}) but region {bar} is 0x{regionSize:x} bytes");
            if (kind == Mdev.Vfio.Pci.PciBarKind.Memory64 && size > 0)
            {
                bar++;
                Check.True((session.Regions[bar]?.Size ?? 0) == 0, $"region {bar} is the upper half of 64-bit BAR{bar - 1} and must be empty");
            }
        }
    }

    /// <summary>
    /// Every non-empty region does what its flags say. With READ, naturally aligned accesses of up to 4 bytes at its
    /// start, middle and last dword read in full — at least one of them, the others may be refused with an errno where
    /// the device backs only part of the region (kvmgt answers only inside the vGPU's slice of the aperture BAR);
    /// without READ a read fails with an errno. A PCI device's standard regions (BARs, ROM, config, VGA) saying WRITE
    /// take back every place that read, and refuse a write without WRITE; other regions (ccw command regions,
    /// device-specific ones) validate what is written, so only their reads are checked.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task Regions_AreReadableAndWritableAsTheirFlagsSay()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice(CreatableType(host).Name));
        bool pci = (session.Info.Flags & VfioDeviceFlags.Pci) != 0;
        foreach (var region in session.Regions.Where(r => r is { Size: > 0 }).Select(r => r!))
        {
            int width = (int)Math.Min(4, region.Size);
            long align = ~(long)(width - 1);
            long[] places = [0, ((long)region.Size / 2) & align, ((long)region.Size - width) & align];
            var bytes = new byte[width];
            bool readable = (region.Flags & VfioRegionFlags.Read) != 0;
            bool writable = (region.Flags & VfioRegionFlags.Write) != 0;
            var read = new List<(long At, byte[] Bytes)>();
            if (readable)
            {
                var errors = new List<string>();
                foreach (long at in places.Distinct())
                {
                    try
                    {
                        var got = new byte[width];
                        Check.Equal(width, session.Device.Read(got, (long)region.Offset + at));
                        read.Add((at, got));
                    }
                    catch (MdevException ex)
                    {
                        errors.Add($"0x{at:x}: {ex.Errno} ({ex.Message})");
                    }
                }

                Check.True(read.Count > 0, $"region {region.Index} says READ, but no {width}-byte read of it succeeds: {string.Join("; ", errors)}");
            }
            else
            {
                Check.Throws<MdevException>(() => session.Device.Read(bytes, (long)region.Offset));
            }

            if (!pci || region.Index >= VfioPciRegion.NumRegions)
            {
                continue;
            }

            if (writable)
            {
                foreach (var (at, got) in read.Count > 0 ? read : [(0, bytes)])
                {
                    Check.Equal(width, Try(() => session.Device.Write(got, (long)region.Offset + at), $"region {region.Index} says WRITE: write of {width} bytes at 0x{at:x}"));
                }
            }
            else
            {
                Check.Throws<MdevException>(() => session.Device.Write(bytes, (long)region.Offset));
            }
        }
    }

    /// <summary>
    /// Every IRQ index that advertises EVENTFD with at least one interrupt takes an eventfd, survives a loop-back
    /// trigger (SET_IRQS TRIGGER|DATA_BOOL true; devices that can signal it do), disables (eventfd -1, or where the device
    /// refuses that, DATA_NONE with count 0) and then signals nothing.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task Irqs_EventFdIndexes_EnableTriggerAndDisable()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice(CreatableType(host).Name));
        for (uint index = 0; index < session.Info.NumIrqs; index++)
        {
            VfioIrqInfo info;
            try
            {
                info = session.Device.GetIrqInfo(index);
            }
            catch (MdevException)
            {
                continue; // refused indexes are IrqInfo_IsSane's business
            }

            if ((info.Flags & VfioIrqInfoFlags.EventFd) == 0 || info.Count == 0)
            {
                continue;
            }

            var eventFd = Try(() => session.EnableIrq(index), $"IRQ index {index} advertises EVENTFD: SET_IRQS TRIGGER|EVENTFD");
            Try(() => session.Device.SetIrqs(LoopBack(index)), $"IRQ index {index}: loop-back SET_IRQS TRIGGER|BOOL");
            eventFd.TryRead(out _);
            try
            {
                session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(index, 0, [null]));
            }
            catch (MdevException)
            {
                Try(() => session.Device.SetIrqs(VfioIrqSet.Disable(index)), $"IRQ index {index}: disable (eventfd -1, then DATA_NONE count 0)");
            }

            try
            {
                session.Device.SetIrqs(LoopBack(index));
            }
            catch (MdevException)
            {
                // a loop-back on a disabled index may be refused (vfio-pci: EINVAL)
            }

            Check.False(eventFd.TryRead(out _), $"IRQ index {index} signalled its eventfd after it was disabled");
        }
    }

    private static VfioIrqSet LoopBack(uint index) => new(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataBool, index, 0, 1, bools: [true]);

    /// <summary>Runs a device call the contract needs, turning its errno into a failure that says what was tried.</summary>
    private static T Try<T>(Func<T> call, string what)
    {
        try
        {
            return call();
        }
        catch (MdevException ex)
        {
            Check.Fail($"{what} failed with {ex.Errno}: {ex.Message}", ex);
            throw;
        }
    }

    private static void Try(Action call, string what) => Try(() => { call(); return 0; }, what);
}
