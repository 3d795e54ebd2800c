using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing.Tests;

/// <summary>A correct little vendor, and broken variants, to prove the contract suite catches what it claims to.</summary>
internal class GoodVendor : VfioParentOps
{
    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("a", "vfio-pci", "Type A"), new("b", "vfio-pci")];

    public override int MaxInstances => 3;

    public override void Create(MdevDevice mdev)
    {
    }

    public override void Remove(MdevDevice mdev)
    {
    }

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 9, 5);

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => index switch
    {
        0 => new(0, VfioRegionFlags.Read | VfioRegionFlags.Write, 0x100, 0),
        7 => new(7, VfioRegionFlags.Read | VfioRegionFlags.Write, 0x100, 7UL << 40),
        < 9 => new(index, VfioRegionFlags.None, 0, (ulong)index << 40),
        _ => throw new MdevException(Errno.EINVAL, $"region {index}"),
    };

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) =>
        index < 5 ? new(index, index == 0 ? VfioIrqInfoFlags.EventFd : VfioIrqInfoFlags.None, index == 0 ? 1u : 0u) : throw new MdevException(Errno.EINVAL, $"irq {index}");

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        buffer.Clear();
        return buffer.Length;
    }

    public override void Reset(MdevDevice mdev)
    {
    }

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request)
    {
    }

    public static MdevParent Register(MdevCore core, VfioModule vfio, VfioParentOps ops) =>
        core.RegisterParent(core.AddDevice("/sys/devices/virtual/good/good", deviceClass: "good"), ops);
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
