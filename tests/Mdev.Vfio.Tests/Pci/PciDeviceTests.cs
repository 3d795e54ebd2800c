using Mdev.Core;
using Mdev.Vfio.Pci;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests.Pci;

/// <summary>PciDevice's declarations, bounds and lock, and PciInterrupts' configurations: malformed first.</summary>
public sealed class PciDeviceTests
{
    private static readonly PciRegionReader Zeros = (_, data) => data.Clear();
    private static readonly PciRegionWriter Ignore = (_, _) => { };

    private static PciDevice Device(PciInterrupts? irqs = null) => new(new PciHeader(0x1af4, 0x1000) { ClassCode = 0x020000, Revision = 2, SubsystemVendorId = 0x1af4, SubsystemId = 1 }, irqs);

    [Fact]
    public void DefineBar_BadBarsFirst_ChangeNothing_ThenABarProgramsConfigAndRegion()
    {
        var dev = Device();
        Expect.Errno(Errno.EINVAL, () => dev.DefineBar(6, PciBarKind.Memory32, 0x1000, Zeros, Ignore));
        Expect.Errno(Errno.EINVAL, () => dev.DefineBar(5, PciBarKind.Memory64, 0x1000, Zeros, Ignore));
        Expect.Errno(Errno.EINVAL, () => dev.DefineBar(0, PciBarKind.Io, 0x100, Zeros, Ignore, mmap: (_, _) => Memory<byte>.Empty));
        Expect.Errno(Errno.EINVAL, () => dev.DefineBar(0, PciBarKind.Memory32, 0x1001, Zeros, Ignore));
        dev.GetRegionInfo(0).Should().Be(new VfioRegionInfo(0, VfioRegionFlags.None, 0, 0));
        dev.Config.ReadU32(0x10).Should().Be(0);

        dev.DefineBar(0, PciBarKind.Memory64, 0x4000, Zeros, Ignore, prefetchable: true);
        Expect.Errno(Errno.EINVAL, () => dev.DefineBar(1, PciBarKind.Io, 0x100, Zeros, Ignore)); // BAR0's upper half
        dev.GetRegionInfo(0).Should().Be(new VfioRegionInfo(0, VfioRegionFlags.Read | VfioRegionFlags.Write, 0x4000, 0));
        dev.GetRegionInfo(1).Size.Should().Be(0);
        dev.Config.ReadU32(0x10).Should().Be(0xc);
        dev.Config.ReadU32(0x00).Should().Be(0x1000_1af4u);
        dev.Config.ReadU32(0x08).Should().Be(0x0200_0002u);
        dev.Config.ReadU32(0x2c).Should().Be(0x0001_1af4u);
        dev.Config.ReadU8(0x3d).Should().Be(1);
    }

    [Fact]
    public void AddRegion_BadDeclarationsFirst_ThenADeviceSpecificRegionGrowsTheCount()
    {
        var dev = Device();
        Expect.Errno(Errno.EINVAL, () => dev.AddRegion(0, 0x10, VfioRegionFlags.Read, Zeros, null));
        Expect.Errno(Errno.EINVAL, () => dev.AddRegion(VfioPciRegion.Config, 0x10, VfioRegionFlags.Read, Zeros, null));
        Expect.Errno(Errno.EINVAL, () => dev.AddRegion(9, 0x10, VfioRegionFlags.Read | VfioRegionFlags.Write, Zeros, null));
        Expect.Errno(Errno.EINVAL, () => dev.AddRegion(9, 0, VfioRegionFlags.Read, Zeros, null));
        dev.NumRegions.Should().Be(9);
        Expect.Errno(Errno.EINVAL, () => dev.GetRegionInfo(9));

        dev.AddRegion(10, 0x10, VfioRegionFlags.Read, Zeros, null, capabilities: [new VfioRegionTypeCapability(0x80008086, 1)]);
        Expect.Errno(Errno.EINVAL, () => dev.AddRegion(10, 0x10, VfioRegionFlags.Read, Zeros, null));
        dev.NumRegions.Should().Be(11);
        dev.GetRegionInfo(9).Should().Be(new VfioRegionInfo(9, VfioRegionFlags.None, 0, 9UL << 40));
        dev.GetRegionInfo(10).Capabilities.Should().ContainSingle();
        Expect.Errno(Errno.EINVAL, () => dev.Write([1], 10L << 40)); // READ only
    }

    [Fact]
    public void FirstAccess_RealizesTheDevice_LaterDeclarationsAreEbusy_AndResetRestoresThatConfig()
    {
        var dev = Device();
        dev.DefineBar(2, PciBarKind.Io, 0x20, Zeros, Ignore);
        var four = new byte[4];
        dev.Read(four, 7L << 40).Should().Be(4);
        Expect.Errno(Errno.EBUSY, () => dev.DefineBar(3, PciBarKind.Io, 0x20, Zeros, Ignore));
        Expect.Errno(Errno.EBUSY, () => dev.AddRegion(9, 0x10, VfioRegionFlags.Read, Zeros, null));

        dev.Write([0xff, 0xff, 0xff, 0xff], (7L << 40) + 0x18);
        dev.Config.ReadU32(0x18).Should().Be(0xffff_ffe1u);
        dev.Reset();
        dev.Config.ReadU32(0x18).Should().Be(1u);
    }

    [Theory]
    [InlineData(PciAccessBounds.Truncate, 0xfe, 2)]
    [InlineData(PciAccessBounds.Refuse, 0xfe, -1)]
    [InlineData(PciAccessBounds.Truncate, 0x100, -1)]
    public void BarAccessAtTheEnd_TruncatesOrRefusesAsChosen(PciAccessBounds bounds, long at, int expected)
    {
        long seen = -1;
        var dev = new PciDevice(new PciHeader(0x1af4, 0x1000)) { Bounds = bounds };
        dev.DefineBar(0, PciBarKind.Memory32, 0x100, (offset, data) => { seen = offset; data.Fill(0xab); }, Ignore);
        var four = new byte[4];
        if (expected < 0)
        {
            Expect.Errno(Errno.EINVAL, () => dev.Read(four, at));
            seen.Should().Be(-1, "a refused access never reaches the handler");
        }
        else
        {
            dev.Read(four, at).Should().Be(expected);
            seen.Should().Be(at, "the handler gets the offset within the region");
            four.Should().Equal(0xab, 0xab, 0, 0);
        }
    }

    [Fact]
    public void ConfigAccessOutsideTheSpace_IsEfault_AsVfioConfigDoRw()
    {
        var dev = Device();
        Expect.Errno(Errno.EFAULT, () => dev.Read(new byte[4], (7L << 40) + 0xfe));
        Expect.Errno(Errno.EFAULT, () => dev.Write(new byte[1], (7L << 40) + 0x100));
        Expect.Errno(Errno.EINVAL, () => dev.Read(new byte[1], 9L << 40));
    }

    [Fact]
    public void Handlers_RunUnderTheDeviceLock_SoConcurrentReadModifyWritesLoseNothing()
    {
        int value = 0;
        var dev = new PciDevice(new PciHeader(0x1af4, 0x1000));
        dev.DefineBar(0, PciBarKind.Memory32, 0x10, Zeros, (_, _) =>
        {
            int seen = value;
            Thread.Yield();
            value = seen + 1; // not atomic: only the device lock keeps increments apart
        });
        const int Threads = 4, Writes = 2000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (int i = 0; i < Writes; i++)
            {
                dev.Write([1], 0);
                dev.Reset(); // resets take the same lock
            }
        });
        value.Should().Be(Threads * Writes);
    }

    [Fact]
    public void Migration_ShortOrRefusedStreamsChangeNothing_ThenTheConfigSpaceTravels()
    {
        var source = Device();
        var target = Device();
        source.Write([0x0b], (7L << 40) + 0x3c);
        var saved = new System.Buffers.ArrayBufferWriter<byte>();
        source.Save(saved);
        saved.WrittenCount.Should().Be(256);

        Expect.Errno(Errno.EINVAL, () => target.Load(new System.Buffers.ReadOnlySequence<byte>(saved.WrittenMemory[..255])));
        Expect.Errno(Errno.EINVAL, () => target.Load(new System.Buffers.ReadOnlySequence<byte>([.. saved.WrittenSpan, 0])));
        target.Config.ReadU8(0x3c).Should().Be(0);
        target.Load(new System.Buffers.ReadOnlySequence<byte>(saved.WrittenMemory));
        target.Config.ReadU8(0x3c).Should().Be(0x0b);
    }

    [Fact]
    public void PciInterrupts_BadVectorCountsFirst_ThenIntxOnlyAndFourMsiVectors()
    {
        Expect.Errno(Errno.EINVAL, () => _ = new PciInterrupts(intx: true, msiVectors: 3));
        Expect.Errno(Errno.EINVAL, () => _ = new PciInterrupts(intx: true, msiVectors: 64));

        var intxOnly = new PciInterrupts(intx: true, msiVectors: 0);
        intxOnly.Info(1).Count.Should().Be(0);
        intxOnly.MsiVectors.Should().BeEmpty();
        Device(intxOnly).Config.ReadU8(0x3d).Should().Be(1);
        Device(new PciInterrupts(intx: false, msiVectors: 1)).Config.ReadU8(0x3d).Should().Be(0);

        var msi = new PciInterrupts(intx: true, msiVectors: 4);
        msi.Info(1).Should().Be(new VfioIrqInfo(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 4));
        using var a = new EventFd();
        using var b = new EventFd();
        msi.SetIrqs(VfioIrqSet.TriggerEventFds(1, 1, a, b));
        msi.ActiveIndex.Should().Be(1);
        Expect.Errno(Errno.EINVAL, () => msi.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, a)));
        msi.Raise(0).Should().BeFalse("vector 0 has no eventfd");
        msi.Raise(2).Should().BeTrue();
        msi.Raise(4).Should().BeFalse();
        b.Read().Should().Be(1);
        msi.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataBool, 1, 1, 2, bools: [true, false]));
        a.Read().Should().Be(1);
        b.TryRead(out _).Should().BeFalse();
        msi.SetIrqs(VfioIrqSet.Disable(1));
        msi.ActiveIndex.Should().BeNull();
        msi.MsiVectors.Should().OnlyContain(v => v.Trigger == null);
    }
}
