using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Vfio.Tests.Support;

/// <summary>
/// A small PCI-style vendor driver: BAR0 a 4 KiB register file, BAR2 a 64 KiB framebuffer mmap-able through one sparse
/// area, CONFIG 256 bytes, a device-specific region 9 with CAP_TYPE; INTx (auto-masked) and MSI triggered through
/// eventfds; DMA through the device's VFIO context.
/// </summary>
internal sealed class TestPciVendor : VfioParentOps
{
    public const long Bar0 = 0L << 40;
    public const long Bar2 = 2L << 40;
    public const long Config = 7L << 40;

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci", "Test PCI device")];

    public override int MaxInstances => 4;

    public List<string> Calls { get; } = [];

    public List<(ulong Iova, ulong Length)> Unmaps { get; } = [];

    public int Requests { get; private set; }

    public static State Of(MdevDevice mdev) => (State)mdev.DriverData!;

    public override void Create(MdevDevice mdev)
    {
        var state = new State();
        state.Config[0] = 0x86;
        state.Config[1] = 0x80;
        state.Config[2] = 0x34;
        state.Config[3] = 0x12;
        mdev.DriverData = state;
    }

    public override void Remove(MdevDevice mdev) => mdev.DriverData = null;

    public override void Open(MdevDevice mdev) => Log("open");

    public override void Release(MdevDevice mdev) => Log("release");

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 10, 5);

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => index switch
    {
        0 => new(0, VfioRegionFlags.Read | VfioRegionFlags.Write, 0x1000, (ulong)Bar0),
        2 => new(2, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap, 0x10000, (ulong)Bar2, [new VfioSparseMmapCapability([new(0x1000, 0x2000)])]),
        7 => new(7, VfioRegionFlags.Read | VfioRegionFlags.Write, 0x100, (ulong)Config),
        9 => new(9, VfioRegionFlags.Read, 0x100, 9UL << 40, [new VfioRegionTypeCapability(0x80008086, 1)]),
        < 10 => new(index, VfioRegionFlags.None, 0, (ulong)index << 40),
        _ => throw new MdevException(Errno.EINVAL, $"region {index}: no such region"),
    };

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => PciInterrupts.GetIrqInfo(index);

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => Of(mdev).Irqs.SetIrqs(request);

    public override void Reset(MdevDevice mdev) => Array.Clear(Of(mdev).Bar0);

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        var state = Of(mdev);
        var (region, at) = (offset >> 40, (int)(offset & ((1L << 40) - 1)));
        var source = region switch
        {
            0 => state.Bar0.AsSpan(),
            7 => state.Config.AsSpan(),
            2 => state.Bar2.Span,
            _ => throw new MdevException(Errno.EFAULT, $"read at 0x{offset:x}: no such region"),
        };
        if (at + buffer.Length > source.Length)
        {
            throw new MdevException(Errno.EFAULT, $"read at 0x{offset:x}: past the region");
        }

        source.Slice(at, buffer.Length).CopyTo(buffer);
        return buffer.Length;
    }

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset)
    {
        var state = Of(mdev);
        if (offset >> 40 != 0 || (offset & 0xfff) + buffer.Length > 0x1000)
        {
            throw new MdevException(Errno.EFAULT, $"write at 0x{offset:x}: only BAR0 is writable");
        }

        buffer.CopyTo(state.Bar0.AsSpan((int)(offset & 0xfff)));

        // Register 0x10: doorbell. Raise the interrupt of the active index.
        if ((offset & 0xfff) == 0x10)
        {
            state.Irqs.Raise();
        }

        // Register 0x20: DMA engine: copy 8 bytes from IOVA [0x28] into BAR0 0x30.
        if ((offset & 0xfff) == 0x20)
        {
            ulong iova = BinaryPrimitives.ReadUInt64LittleEndian(state.Bar0.AsSpan(0x28));
            mdev.Vfio().PinPages(iova & ~0xfffUL, 1, write: false);
            state.Pinned.Add(iova & ~0xfffUL);
            mdev.Vfio().DmaRead(iova, state.Bar0.AsSpan(0x30, 8));
        }

        return buffer.Length;
    }

    public override Memory<byte> Mmap(MdevDevice mdev, long offset, long length) =>
        Of(mdev).Bar2.Slice((int)(offset - Bar2), (int)length);

    public override void DmaUnmap(MdevDevice mdev, ulong iova, ulong length)
    {
        lock (Unmaps)
        {
            Unmaps.Add((iova, length));
        }

        var state = Of(mdev);
        foreach (var page in state.Pinned.Where(p => p >= iova && p < iova + length).ToArray())
        {
            mdev.Vfio().UnpinPages(page, 1);
            state.Pinned.Remove(page);
        }
    }

    public override void Request(MdevDevice mdev, uint count) => Requests++;

    private void Log(string what)
    {
        lock (Calls)
        {
            Calls.Add(what);
        }
    }

    internal sealed class State
    {
        public byte[] Bar0 { get; } = new byte[0x1000];

        public byte[] Config { get; } = new byte[0x100];

        public Memory<byte> Bar2 { get; } = new byte[0x10000];

        public PciInterrupts Irqs { get; } = new();

        public HashSet<ulong> Pinned { get; } = [];
    }
}
