using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio.Pci;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests.Pci;

/// <summary>A host PCI function as the PCI core shows it in sysfs (Linux 6.12 pci-sysfs.c, pci_uevent): malformed first.</summary>
public sealed class PciHostFunctionTests
{
    private const string Dev = "/sys/devices/pci0000:00/0000:3e:00.0";

    private static PciHostFunction Gpu(string address = "0000:3e:00.0", int cpus = 2) => new(
        address,
        new PciHeader(0x10de, 0x13f2) { ClassCode = 0x030200, Revision = 0xa1, SubsystemVendorId = 0x10de, SubsystemId = 0x113a },
        [
            new(0, PciBarKind.Memory32, 0xfa00_0000, 16 << 20),
            new(1, PciBarKind.Memory64, 0x38_0000_0000, 256 << 20, Prefetchable: true),
            new(5, PciBarKind.Io, 0xe000, 128),
        ],
        PciHostFunction.ExpressEndpoint,
        linkSpeed: 3,
        linkWidth: 16)
    {
        Irq = 35,
        CpuCount = cpus,
        DmaMaskBits = 47,
    };

    [Theory]
    [InlineData("0000:3e:00")]
    [InlineData("0000:3E:00.0")]
    [InlineData("0000:3e:20.0")]
    public void Create_MalformedAddress_IsEinval(string address)
    {
        Expect.Errno(Errno.EINVAL, () => Gpu(address));
    }

    [Fact]
    public void Create_BarNotAlignedToItsSize_IsEinval()
    {
        var ex = Expect.Errno(Errno.EINVAL, () => _ = new PciHostFunction("0000:00:02.0", new PciHeader(0x8086, 0x1912), [new(0, PciBarKind.Memory32, 0xf600_1000, 16 << 20)]));
        ex.Message.Should().Contain("BAR0").And.Contain("aligned");
    }

    [Fact]
    public void AddTo_AddsTheRootBusDevice_AndTheFunctionWithThePciCoresAttributes()
    {
        var core = new MdevCore();
        var device = Gpu().AddTo(core, "nvidia");
        var sys = core.Sysfs;

        device.SysfsPath.Should().Be(Dev);
        core.FindTreeDevice("/sys/devices/pci0000:00").Should().NotBeNull();
        sys.Read("/sys/devices/pci0000:00/uevent").Should().BeEmpty();
        sys.RealPath("/sys/bus/pci/devices/0000:3e:00.0").Should().Be(Dev);
        sys.RealPath("/sys/bus/pci/drivers/nvidia/0000:3e:00.0").Should().Be(Dev);
        sys.Read(Dev + "/vendor").Should().Be("0x10de\n");
        sys.Read(Dev + "/device").Should().Be("0x13f2\n");
        sys.Read(Dev + "/subsystem_vendor").Should().Be("0x10de\n");
        sys.Read(Dev + "/subsystem_device").Should().Be("0x113a\n");
        sys.Read(Dev + "/class").Should().Be("0x030200\n");
        sys.Read(Dev + "/revision").Should().Be("0xa1\n");
        sys.Read(Dev + "/irq").Should().Be("35\n");
        sys.Read(Dev + "/numa_node").Should().Be("-1\n");
        sys.Read(Dev + "/local_cpus").Should().Be("3\n");
        sys.Read(Dev + "/local_cpulist").Should().Be("0-1\n");
        sys.Read(Dev + "/enable").Should().Be("1\n");
        sys.Read(Dev + "/dma_mask_bits").Should().Be("47\n");
        sys.Read(Dev + "/consistent_dma_mask_bits").Should().Be("47\n");
        sys.Read(Dev + "/modalias").Should().Be("pci:v000010DEd000013F2sv000010DEsd0000113Abc03sc02i00\n");
        sys.Read(Dev + "/driver_override").Should().Be("(null)\n");
        sys.Read(Dev + "/msi_bus").Should().Be("1\n");
        sys.Read(Dev + "/d3cold_allowed").Should().Be("1\n");
        sys.Read(Dev + "/ari_enabled").Should().Be("0\n");
        sys.Read(Dev + "/broken_parity_status").Should().Be("0\n");
        sys.Read(Dev + "/power_state").Should().Be("D0\n");
        sys.Read(Dev + "/current_link_speed").Should().Be("8.0 GT/s PCIe\n");
        sys.Read(Dev + "/current_link_width").Should().Be("16\n");
        sys.Read(Dev + "/max_link_speed").Should().Be("8.0 GT/s PCIe\n");
        sys.Read(Dev + "/max_link_width").Should().Be("16\n");
        sys.Exists(Dev + "/boot_vga").Should().BeFalse("a 3D controller is not a VGA function");

        // A second function on the same root bus reuses the root device.
        Gpu("0000:3f:00.0").AddTo(core, "nvidia").SysfsPath.Should().Be("/sys/devices/pci0000:00/0000:3f:00.0");
    }

    [Fact]
    public void ResourceFile_HasThirteenLines_StartEndFlags_ForEachBar()
    {
        var core = new MdevCore();
        Gpu().AddTo(core, "nvidia");

        var lines = core.Sysfs.Read(Dev + "/resource").Split('\n');
        lines.Should().HaveCount(14);
        lines[^1].Should().BeEmpty();
        lines[0].Should().Be("0x00000000fa000000 0x00000000faffffff 0x0000000000040200");
        lines[1].Should().Be("0x0000003800000000 0x000000380fffffff 0x000000000014220c");
        lines[2].Should().Be("0x0000000000000000 0x0000000000000000 0x0000000000000000");
        lines[5].Should().Be("0x000000000000e000 0x000000000000e07f 0x0000000000040101");
        lines[6..13].Should().AllBe("0x0000000000000000 0x0000000000000000 0x0000000000000000");
    }

    [Fact]
    public void ConfigFile_IsTheConfigSpace_ReadableAtAnyOffset()
    {
        var core = new MdevCore();
        Gpu().AddTo(core, "nvidia");
        using var file = core.Sysfs.Open(Dev + "/config", FileAccess.Read);

        // Past the end first: nothing.
        file.Read(new byte[16], 4096).Should().Be(0);

        var cap = new byte[0x14];
        file.Read(cap, 0x40).Should().Be(0x14);
        cap[0].Should().Be(0x10, "the PCI Express capability");
        BinaryPrimitives.ReadUInt16LittleEndian(cap.AsSpan(2)).Should().Be(0x0002, "version 2, endpoint");
        BinaryPrimitives.ReadUInt32LittleEndian(cap.AsSpan(0x0c)).Should().Be(0x0103, "LNKCAP 8 GT/s x16");
        BinaryPrimitives.ReadUInt16LittleEndian(cap.AsSpan(0x12)).Should().Be(0x0103, "LNKSTA 8 GT/s x16");

        var all = new byte[8192];
        file.Read(all, 0).Should().Be(4096, "a binary attribute is not cut to a page minus one");
        core.Sysfs.Stat(Dev + "/config").Size.Should().Be(4096);
        BinaryPrimitives.ReadUInt16LittleEndian(all).Should().Be(0x10de);
        BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(2)).Should().Be(0x13f2);
        BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(6)).Should().Be(0x0010, "a capability list");
        all[8].Should().Be(0xa1);
        all.AsSpan(9, 3).ToArray().Should().Equal(0x00, 0x02, 0x03);
        all[0x0e].Should().Be(0x00, "header type 0");
        BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(0x10)).Should().Be(0xfa00_0000);
        BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(0x14)).Should().Be(0x0000_000c, "64-bit prefetchable, low half");
        BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(0x18)).Should().Be(0x38, "its high half");
        BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(0x24)).Should().Be(0xe001);
        BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(0x2c)).Should().Be(0x10de);
        BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(0x2e)).Should().Be(0x113a);
        all[0x34].Should().Be(0x40);
    }

    [Fact]
    public void ConventionalFunction_HasA256ByteConfigSpace()
    {
        var core = new MdevCore();
        new PciHostFunction("0000:00:05.0", new PciHeader(0x1234, 0x0001) { ClassCode = 0xff0000 }, []).AddTo(core, "drv");
        using var file = core.Sysfs.Open("/sys/devices/pci0000:00/0000:00:05.0/config", FileAccess.Read);

        file.Read(new byte[8192], 0).Should().Be(256);
        core.Sysfs.Exists("/sys/devices/pci0000:00/0000:00:05.0/current_link_speed").Should().BeFalse("no PCI Express capability");
        core.Sysfs.Stat("/sys/devices/pci0000:00/0000:00:05.0/config").Size.Should().Be(256, "a binary attribute stats as its size");
        core.Sysfs.Read("/sys/devices/pci0000:00/0000:00:05.0/uevent").Should().Contain("PCI_CLASS=FF0000\n");
    }

    [Fact]
    public void ConfigFile_Write_IsEperm_AndChangesNothing()
    {
        var core = new MdevCore();
        Gpu().AddTo(core, "nvidia");
        var before = core.Sysfs.Read(Dev + "/config");

        Expect.Errno(Errno.EPERM, () => core.Sysfs.Write(Dev + "/config", "\u00ff\u00ff"));

        core.Sysfs.Read(Dev + "/config").Should().Be(before);
    }

    [Fact]
    public void UeventFile_IsDriverThenPciUevent_AndTheEventsCarryTheSame()
    {
        var core = new MdevCore();
        using var listener = core.SubscribeUevents();
        Gpu().AddTo(core, "nvidia");

        const string Pci = "PCI_CLASS=30200\nPCI_ID=10DE:13F2\nPCI_SUBSYS_ID=10DE:113A\nPCI_SLOT_NAME=0000:3e:00.0\nMODALIAS=pci:v000010DEd000013F2sv000010DEsd0000113Abc03sc02i00\n";
        core.Sysfs.Read(Dev + "/uevent").Should().Be("DRIVER=nvidia\n" + Pci);
        var events = new List<Uevent>();
        while (listener.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        events.Select(e => e.ActionName).Should().Equal("add", "bind");
        string Vars(Uevent e) => string.Concat(e.Environment.Skip(3).SkipLast(1).Select(kv => $"{kv.Key}={kv.Value}\n"));
        Vars(events[0]).Should().Be(Pci);
        Vars(events[1]).Should().Be("DRIVER=nvidia\n" + Pci);
    }

    [Fact]
    public void DriverOverride_TooLongIsEinval_ThenSetUpToTheNewline_ThenEmptyClears()
    {
        var core = new MdevCore();
        Gpu().AddTo(core, "nvidia");

        Expect.Errno(Errno.EINVAL, () => core.Sysfs.Write(Dev + "/driver_override", new string('a', 4095)));
        core.Sysfs.Read(Dev + "/driver_override").Should().Be("(null)\n");

        core.Sysfs.Write(Dev + "/driver_override", "vfio-pci\nrest");
        core.Sysfs.Read(Dev + "/driver_override").Should().Be("vfio-pci\n");
        core.Sysfs.Write(Dev + "/driver_override", "\n");
        core.Sysfs.Read(Dev + "/driver_override").Should().Be("(null)\n");
    }

    [Fact]
    public void MsiBus_NotANumberIsEinval_ThenZeroDisables()
    {
        var core = new MdevCore();
        Gpu().AddTo(core, "nvidia");

        Expect.Errno(Errno.EINVAL, () => core.Sysfs.Write(Dev + "/msi_bus", "off\n"));
        core.Sysfs.Read(Dev + "/msi_bus").Should().Be("1\n");

        core.Sysfs.Write(Dev + "/msi_bus", "0\n");
        core.Sysfs.Read(Dev + "/msi_bus").Should().Be("0\n");
    }

    [Theory]
    [InlineData(1, "1", "0")]
    [InlineData(8, "ff", "0-7")]
    [InlineData(36, "f,ffffffff", "0-35")]
    [InlineData(64, "ffffffff,ffffffff", "0-63")]
    public void LocalCpus_IsTheKernelsBitmapText(int cpus, string mask, string list)
    {
        var core = new MdevCore();
        Gpu(cpus: cpus).AddTo(core, "nvidia");

        core.Sysfs.Read(Dev + "/local_cpus").Should().Be(mask + "\n");
        core.Sysfs.Read(Dev + "/local_cpulist").Should().Be(list + "\n");
    }
}
