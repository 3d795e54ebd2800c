using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt.Tests;

/// <summary>The iGPU parent as the PCI core shows it (Linux 6.12), so udev-based tools (libvirt) can classify it.</summary>
public sealed class ParentSysfsTests
{
    private const string Pci = "PCI_CLASS=30000\nPCI_ID=8086:1912\nPCI_SUBSYS_ID=8086:2212\nPCI_SLOT_NAME=0000:00:02.0\nMODALIAS=pci:v00008086d00001912sv00008086sd00002212bc03sc00i00\n";

    [Fact]
    public async Task Register_MalformedAddress_AddsNoRootAndNoFunction_ThenTheDefaultIgpuHasThePciCoresFiles()
    {
        await using (var core = new MdevCore())
        {
            var vfio = new VfioModule(core);
            Assert.Throws<MdevException>(() => I915Gvt.Register(core, vfio, new GvtOptions { PciAddress = "0000:00:02" })).Errno.Should().Be(Errno.EINVAL);
            core.Sysfs.Exists("/sys/devices/pci0000:00").Should().BeFalse();
            core.TreeDevices.Should().BeEmpty();
        }

        await using var host = GvtHost.Create();
        var sys = host.Core.Sysfs;
        var dev = GvtHost.IgpuPath;

        sys.Read(dev + "/vendor").Should().Be("0x8086\n");
        sys.Read(dev + "/device").Should().Be("0x1912\n");
        sys.Read(dev + "/subsystem_vendor").Should().Be("0x8086\n");
        sys.Read(dev + "/subsystem_device").Should().Be("0x2212\n");
        sys.Read(dev + "/class").Should().Be("0x030000\n");
        sys.Read(dev + "/revision").Should().Be("0x06\n");
        sys.Read(dev + "/irq").Should().Be("16\n");
        sys.Read(dev + "/numa_node").Should().Be("-1\n");
        sys.Read(dev + "/dma_mask_bits").Should().Be("39\n");
        sys.Read(dev + "/boot_vga").Should().Be("1\n");
        sys.Read(dev + "/current_link_speed").Should().Be("Unknown\n", "an integrated endpoint has no link");
        sys.Read(dev + "/max_link_width").Should().Be("0\n");
        sys.Read(dev + "/modalias").Should().Be("pci:v00008086d00001912sv00008086sd00002212bc03sc00i00\n");
        sys.Read(dev + "/resource").Split('\n')[..5].Should().Equal(
            "0x00000000f6000000 0x00000000f6ffffff 0x0000000000140204",
            "0x0000000000000000 0x0000000000000000 0x0000000000000000",
            "0x0000004000000000 0x000000401fffffff 0x000000000014220c",
            "0x0000000000000000 0x0000000000000000 0x0000000000000000",
            "0x000000000000f000 0x000000000000f03f 0x0000000000040101");
        sys.Read(dev + "/uevent").Should().Be("DRIVER=i915\n" + Pci);
        sys.Read("/sys/devices/pci0000:00/uevent").Should().BeEmpty();
        sys.RealPath("/sys/bus/pci/devices/0000:00:02.0").Should().Be(dev);
    }

    [Fact]
    public async Task Config_IsARootComplexIntegratedEndpointsConfigSpace_WithTheCatalogsDeviceId()
    {
        await using var host = GvtHost.Create(new GvtOptions { DeviceId = 0x5912 });
        using var file = host.Core.Sysfs.Open(GvtHost.IgpuPath + "/config", FileAccess.Read);

        var cap = new byte[4];
        file.Read(cap, 0x40).Should().Be(4);
        cap[0].Should().Be(0x10);
        BinaryPrimitives.ReadUInt16LittleEndian(cap.AsSpan(2)).Should().Be(0x0092, "PCIe v2, type 9: root-complex integrated endpoint (libvirt then looks for no link)");

        var all = new byte[4096];
        file.Read(all, 0).Should().Be(4096);
        BinaryPrimitives.ReadUInt16LittleEndian(all).Should().Be(0x8086);
        BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(2)).Should().Be(0x5912);
        all[0x0b].Should().Be(0x03);
        host.Core.Sysfs.Read(GvtHost.IgpuPath + "/device").Should().Be("0x5912\n");
    }

    [Fact]
    public async Task UeventFile_ReadsWhatASynthesizedChangeCarries()
    {
        await using var host = GvtHost.Create();
        using var listener = host.Core.SubscribeUevents();

        host.Core.Sysfs.Write(GvtHost.IgpuPath + "/uevent", "change");

        listener.Reader.TryRead(out var e).Should().BeTrue();
        e!.Subsystem.Should().Be("pci");
        string.Concat(e.Environment.SkipWhile(kv => kv.Key != "SYNTH_UUID").Skip(1).SkipLast(1).Select(kv => $"{kv.Key}={kv.Value}\n"))
            .Should().Be(host.Core.Sysfs.Read(GvtHost.IgpuPath + "/uevent"));
    }
}
