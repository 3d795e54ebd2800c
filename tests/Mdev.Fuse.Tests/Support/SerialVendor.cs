using Mdev.Core;

namespace Mdev.Fuse.Tests.Support;

/// <summary>
/// An mtty-shaped parent: types mtty-1 and mtty-2 (one or two ports) on one budget of 24 ports, the vendor's own
/// <c>available_instances</c> and <c>ENOSPC</c> when the budget is short, and a read-only
/// <c>vendor/sample_mdev_dev</c> per device.
/// </summary>
internal sealed class SerialVendor : ParentOps
{
    public const int MaxPorts = 24;
    private readonly Lock _lock = new();
    private int _portsUsed;

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } =
    [
        new("1", "vfio-pci", "Single port serial"),
        new("2", "vfio-pci", "Dual port serial"),
    ];

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; } =
    [
        new("vendor", [MdevAttribute<MdevDevice>.ReadOnly("sample_mdev_dev", d => $"This is MDEV {d.Name}\n")]),
    ];

    public override string? DriverName => "mtty";

    public override int? GetAvailable(MdevType type)
    {
        lock (_lock)
        {
            return (MaxPorts - _portsUsed) / Ports(type);
        }
    }

    public override void Create(MdevDevice mdev)
    {
        lock (_lock)
        {
            int need = Ports(mdev.Type);
            if (_portsUsed + need > MaxPorts)
            {
                throw new MdevException(Errno.ENOSPC, $"mtty: {need} ports wanted, {MaxPorts - _portsUsed} free");
            }

            _portsUsed += need;
        }
    }

    public override void Remove(MdevDevice mdev)
    {
        lock (_lock)
        {
            _portsUsed -= Ports(mdev.Type);
        }
    }

    private static int Ports(MdevType type) => type.SysfsName == "2" ? 2 : 1;
}
