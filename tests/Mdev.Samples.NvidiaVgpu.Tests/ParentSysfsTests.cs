using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.NvidiaVgpu.Tests;

/// <summary>The GPU parent as the PCI core shows it (Linux 6.12), with the catalog board's ids, so libvirt can classify it.</summary>
public sealed class ParentSysfsTests
{
    [Fact]
    public async Task Register_UnknownBoard_AddsNothing_ThenM60HasThePciCoresFilesAndUevent()
    {
        await using (var core = new MdevCore())
        {
            var vfio = new VfioModule(core);
            Assert.Throws<MdevException>(() => NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { Board = "no-such-board" })).Errno.Should().Be(Errno.EINVAL);
            core.TreeDevices.Should().BeEmpty();
        }

        await using var host = NvidiaHost.Create();
        var sys = host.Core.Sysfs;
        var dev = NvidiaHost.M60Path;

        sys.Read(dev + "/vendor").Should().Be("0x10de\n");
        sys.Read(dev + "/device").Should().Be("0x13f2\n");
        sys.Read(dev + "/subsystem_vendor").Should().Be("0x10de\n");
        sys.Read(dev + "/subsystem_device").Should().Be("0x13f2\n");
        sys.Read(dev + "/class").Should().Be("0x030200\n");
        sys.Read(dev + "/revision").Should().Be("0xa1\n");
        sys.Read(dev + "/resource").Split('\n')[..6].Should().Equal(
            "0x00000000fa000000 0x00000000faffffff 0x0000000000040200",
            "0x0000003800000000 0x000000380fffffff 0x000000000014220c",
            "0x0000000000000000 0x0000000000000000 0x0000000000000000",
            "0x0000003810000000 0x0000003811ffffff 0x000000000014220c",
            "0x0000000000000000 0x0000000000000000 0x0000000000000000",
            "0x000000000000e000 0x000000000000e07f 0x0000000000040101");
        sys.Read(dev + "/uevent").Should().Be(
            "DRIVER=nvidia\nPCI_CLASS=30200\nPCI_ID=10DE:13F2\nPCI_SUBSYS_ID=10DE:13F2\nPCI_SLOT_NAME=0000:3e:00.0\nMODALIAS=pci:v000010DEd000013F2sv000010DEsd000013F2bc03sc02i00\n");
    }

    [Fact]
    public async Task TwoBoards_ShareTheRootBusDevice_EachWithItsOwnIdsAndConfig()
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);
        NvidiaVgpu.Register(core, vfio);
        NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { Board = "P40", PciAddress = "0000:5e:00.0" });

        core.TreeDevices.Select(d => d.SysfsPath).Should().Equal(
            "/sys/devices/pci0000:00", "/sys/devices/pci0000:00/0000:3e:00.0", "/sys/devices/pci0000:00/0000:5e:00.0");
        core.Sysfs.Read("/sys/devices/pci0000:00/0000:5e:00.0/device").Should().Be("0x1b38\n");
        using var file = core.Sysfs.Open("/sys/devices/pci0000:00/0000:5e:00.0/config", FileAccess.Read);
        var config = new byte[4096];
        file.Read(config, 0).Should().Be(4096);
        BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(2)).Should().Be(0x1b38);
        BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(0x40 + 0x12)).Should().Be(0x0103, "LNKSTA: 8 GT/s x16");
    }
}
