using Mdev.Core;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.Idio16.Tests;

/// <summary>The IDIO-16 against gpio-pci-idio-16.c, and PciDevice's plumbing through it: malformed accesses first.</summary>
public sealed class Idio16DeviceTests
{
    private static MdevTestHost Host() => MdevTestHost.Create((core, vfio) => Idio16.Register(core, vfio));

    [Fact]
    public async Task OutOfRangeAccesses_FailAsVfioPci_ThenBar2ReadsTruncateAtItsEnd()
    {
        await using var host = Host();
        using var vm = host.Open(host.CreateDevice());
        var four = new byte[4];

        Assert.Throws<MdevException>(() => vm.Device.Read(four, 9L << 40)).Errno.Should().Be(Errno.EINVAL);      // past the 9 regions
        Assert.Throws<MdevException>(() => vm.Device.Read(four, 0)).Errno.Should().Be(Errno.EINVAL);             // BAR0 is empty
        Assert.Throws<MdevException>(() => vm.Device.Read(four, (2L << 40) + 0x100)).Errno.Should().Be(Errno.EINVAL); // at BAR2's end
        Assert.Throws<MdevException>(() => vm.Device.Read(four, (7L << 40) + 0xfe)).Errno.Should().Be(Errno.EFAULT);  // across config's end
        Assert.Throws<MdevException>(() => vm.Device.Write(four, (8L << 40))).Errno.Should().Be(Errno.EINVAL);   // no VGA

        vm.Device.Read(four, (2L << 40) + 0xfe).Should().Be(2);
        vm.Device.Read(four.AsSpan(0, 0), 2L << 40).Should().Be(0);
        vm.ReadRegion(2, 0x10, 4).Should().Be(0);
        vm.WriteRegion(2, 0, 0xff, 1);
        vm.ReadRegion(2, 0, 1).Should().Be(0, "writes are ignored and the counter starts at 0");
    }

    [Fact]
    public async Task Header_IsTheType0PresetWithIdsPinAndWritableCommand()
    {
        await using var host = Host();
        using var vm = host.Open(host.CreateDevice());

        vm.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 9, 5));
        vm.ReadConfig32(0x08).Should().Be(0);
        vm.ReadConfig32(0x2c).Should().Be(0);
        vm.ReadConfig8(0x0e).Should().Be(0);
        vm.ReadConfig8(0x3d).Should().Be(1, "INTA");
        vm.ReadConfig32(0x18).Should().Be(1u, "BAR2 is an I/O BAR");
        vm.WriteConfig32(0x04, 0xFFFF_FFFF);
        vm.ReadConfig16(0x04).Should().Be(0x0407);
        vm.ReadConfig16(0x06).Should().Be(0, "status is read-only");
        vm.WriteConfig8(0x3c, 0x0b);
        vm.ReadConfig8(0x3c).Should().Be(0x0b);
        vm.Regions.Select(r => r!.Size).Should().Equal(0UL, 0UL, 0x100UL, 0UL, 0UL, 0UL, 0UL, 256UL, 0UL);
    }

    [Fact]
    public async Task Irqs_MsiAbsentFirst_ThenIntxOnlyAndNeverRaised()
    {
        await using var host = Host();
        using var vm = host.Open(host.CreateDevice());
        using var stray = new EventFd();

        Assert.Throws<MdevException>(() => vm.Device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, stray))).Errno.Should().Be(Errno.EINVAL);
        vm.Device.GetIrqInfo(1).Count.Should().Be(0);

        vm.Device.GetIrqInfo(0).Should().Be(new VfioIrqInfo(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1));
        var intx = vm.EnableIrq(0);
        vm.ReadRegion(2, 0, 1);
        await VmmSession.ExpectNoIrqAsync(intx, TimeSpan.FromMilliseconds(50));
        vm.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 0, 0, 1));
        intx.TryRead(out var count).Should().BeTrue("the loop-back trigger reaches the eventfd");
        count.Should().Be(1);
    }

    [Fact]
    public async Task Migration_TruncatedStreamFirst_IsRefusedAndLeavesTheCounter_ThenAWholeOneLoads()
    {
        await using var host = Host();
        using var source = host.Open(host.CreateDevice());
        using var target = host.Open(host.CreateDevice());
        for (int i = 0; i < 7; i++)
        {
            source.ReadRegion(2, 0, 1);
        }

        var writer = target.Device.SetMigrationState(VfioMigrationState.Resuming)!.Writer!;
        await writer.WriteAsync(new byte[256 + 3]);
        Assert.Throws<MdevException>(() => target.Device.SetMigrationState(VfioMigrationState.Stop)).Errno.Should().Be(Errno.EINVAL);
        target.Device.GetMigrationState().Should().Be(VfioMigrationState.Resuming);
        target.Device.Reset();
        target.ReadRegion(2, 0, 1).Should().Be(0);

        using var moved = await host.MigrateToNewDeviceAsync(source);
        moved.ReadRegion(2, 0, 1).Should().Be(2, "pin 7 / 3");
        moved.ReadRegion(2, 0, 1).Should().Be(2);
        moved.ReadRegion(2, 0, 1).Should().Be(3);
        source.Device.GetMigrationState().Should().Be(VfioMigrationState.Stop);
    }

    [Fact]
    public async Task Reset_RestoresTheConfigSpaceAndKeepsTheCounter()
    {
        await using var host = Host();
        using var vm = host.Open(host.CreateDevice());
        vm.WriteConfig32(0x18, 0xFFFF_FFFF);
        vm.ReadConfig32(0x18).Should().Be(0xFFFF_FF01u);
        vm.ReadRegion(2, 0, 1);
        vm.ReadRegion(2, 0, 1);
        vm.ReadRegion(2, 0, 1);

        vm.Device.Reset();

        vm.ReadConfig32(0x18).Should().Be(1u);
        vm.ReadRegion(2, 0, 1).Should().Be(1, "gpio-pci-idio-16.c has no reset callback: pin stays");
    }
}
