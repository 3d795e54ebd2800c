using System.Buffers;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Testing.Tests;

/// <summary>A correct little vendor on PciParentOps, and broken variants, to prove the contract suite catches what it claims to.</summary>
internal class GoodVendor : PciParentOps
{
    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("a", "vfio-pci", "Type A"), new("b", "vfio-pci")];

    public override int MaxInstances => 3;

    /// <summary>Registers the vendor's mdev driver <c>good</c> (the parent names none, so its devices take the first registered) and the parent.</summary>
    public static MdevParent Register(MdevCore core, VfioModule vfio, VfioParentOps ops)
    {
        vfio.RegisterVendorDriver("good");
        return core.RegisterParent(core.AddDevice("/sys/devices/virtual/good/good", deviceClass: "good"), ops);
    }

    protected override PciDevice CreateDevice(MdevDevice mdev) => new GoodDevice();
}

/// <summary>A register file in a 256-byte memory BAR0, INTx and one MSI vector, stop-and-copy and P2P migration.</summary>
internal sealed class GoodDevice : PciDevice
{
    public const ushort VendorId = 0x1af4;
    public const ushort DeviceId = 0x10f0;

    private readonly byte[] _registers = new byte[0x100];

    public GoodDevice()
        : base(new PciHeader(VendorId, DeviceId) { ClassCode = 0xff0000, Revision = 1 })
    {
        MigrationFlags = VfioMigrationFlags.StopCopy | VfioMigrationFlags.P2P;
        DefineBar(0, PciBarKind.Memory32, 0x100, (at, data) => _registers.AsSpan((int)at, data.Length).CopyTo(data), (at, data) => data.CopyTo(_registers.AsSpan((int)at)));
    }

    protected override void OnReset() => Array.Clear(_registers);

    protected override void SaveState(IBufferWriter<byte> output) => output.Write(_registers);

    protected override void LoadState(ReadOnlySequence<byte> data)
    {
        if (data.Length != _registers.Length)
        {
            throw new MdevException(Errno.EINVAL, $"good device: {data.Length} bytes of registers, expected {_registers.Length}");
        }

        data.CopyTo(_registers);
    }
}

/// <summary>Regions that overlap.</summary>
internal sealed class OverlappingRegionsVendor : GoodVendor
{
    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) =>
        index == 7 ? new(7, VfioRegionFlags.Read, 0x100, 0x80) : base.GetRegionInfo(mdev, index);
}

/// <summary>A region that answers with the wrong index.</summary>
internal sealed class WrongIndexVendor : GoodVendor
{
    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) =>
        index == 7 ? new(6, VfioRegionFlags.Read, 0x100, 7UL << 40) : base.GetRegionInfo(mdev, index);
}

/// <summary>The issue's device, part 1: every config-space and BAR read fails with EINVAL.</summary>
internal sealed class UnreadableVendor : GoodVendor
{
    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) =>
        throw new MdevException(Errno.EINVAL, $"read at 0x{offset:x}: this broken vendor reads nothing");
}

/// <summary>The issue's device, part 2: SET_IRQS answers ENOTTY while INTx advertises EVENTFD.</summary>
internal sealed class IrqEnottyVendor : GoodVendor
{
    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) =>
        throw new MdevException(Errno.ENOTTY, "set irqs: this broken vendor has none, whatever GET_IRQ_INFO says");
}

/// <summary>The issue's device, part 3: claims PRE_COPY and does not implement it.</summary>
internal sealed class FakePreCopyVendor : GoodVendor
{
    public override VfioMigrationFlags GetMigrationFlags(MdevDevice mdev) => base.GetMigrationFlags(mdev) | VfioMigrationFlags.PreCopy;
}

/// <summary>The issue's device, whole: all three faults at once.</summary>
internal sealed class IssueSixteenVendor : GoodVendor
{
    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) =>
        throw new MdevException(Errno.EINVAL, $"read at 0x{offset:x}: this broken vendor reads nothing");

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) =>
        throw new MdevException(Errno.ENOTTY, "set irqs: this broken vendor has none");

    public override VfioMigrationFlags GetMigrationFlags(MdevDevice mdev) => base.GetMigrationFlags(mdev) | VfioMigrationFlags.PreCopy;
}

/// <summary>Forgot MaxInstances: the core pool is empty.</summary>
internal sealed class NoInstancesVendor : GoodVendor
{
    public override int MaxInstances => 0;
}

/// <summary>Vendor-managed availability that never has a device to give.</summary>
internal sealed class NothingAvailableVendor : GoodVendor
{
    public override int? GetAvailable(MdevType type) => 0;
}

/// <summary>Advertises RESET, and its reset keeps everything the guest wrote.</summary>
internal sealed class ResetKeepsConfigVendor : GoodVendor
{
    public override void Reset(MdevDevice mdev)
    {
    }
}

/// <summary>BAR0 sizes to 0x100 in config space, but its region says 0x200.</summary>
internal sealed class BarMismatchVendor : GoodVendor
{
    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) =>
        index == 0 ? base.GetRegionInfo(mdev, index) with { Size = 0x200 } : base.GetRegionInfo(mdev, index);
}

/// <summary>Every region says WRITE; every write fails.</summary>
internal sealed class UnwritableVendor : GoodVendor
{
    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) =>
        throw new MdevException(Errno.EINVAL, $"write at 0x{offset:x}: this broken vendor writes nothing");
}

/// <summary>Disabling an interrupt does nothing: the eventfd stays bound.</summary>
internal sealed class NeverDisablesVendor : GoodVendor
{
    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request)
    {
        bool disable = request.Action == VfioIrqSetFlags.ActionTrigger
            && ((request.DataType == VfioIrqSetFlags.DataNone && request.Count == 0) || (request.DataType == VfioIrqSetFlags.DataEventFd && request.EventFds[0] is null));
        if (!disable)
        {
            base.SetIrqs(mdev, request);
        }
    }
}

/// <summary>Accepts any migration stream and loads nothing.</summary>
internal sealed class ForgetfulMigrationVendor : GoodVendor
{
    public override void LoadMigrationData(MdevDevice mdev, ReadOnlySequence<byte> data)
    {
    }
}
