using Mdev.Core;

namespace Mdev.Samples.Host;

/// <summary>
/// A minimal vendor driver in the shape of the kernel's mtty sample: types "1" and "2" (one or two serial ports)
/// drawing on one budget of 24 ports, so creating a dual-port device lowers both types' availability, and a
/// per-device attribute <c>vendor/sample_mdev_dev</c>. The full mtty (config space, UART, IRQs, migration) is the
/// mtty sample's job; this one shows the mdev core only.
/// </summary>
internal sealed class SerialPortVendor : ParentOps
{
    private const int MaxPorts = 24;
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
