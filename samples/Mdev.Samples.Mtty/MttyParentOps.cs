using System.Buffers;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty;

/// <summary>
/// The mtty vendor driver (<c>mtty_driver</c> and <c>mtty_dev_ops</c>): types and the port pool, the per-device
/// attribute, and each device-file callback handed to its <see cref="MttyDevice"/>.
/// </summary>
internal sealed class MttyParentOps : VfioParentOps
{
    private readonly PortPool _pool = new(MttyCatalog.MaxPorts);

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } =
        [.. MttyCatalog.Types.Select(t => new MdevTypeGroup(t.SysfsName, "vfio-pci", t.PrettyName))];

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; } =
        [new("vendor", [MdevAttribute<MdevDevice>.ReadOnly("sample_mdev_dev", d => $"This is MDEV {d.Name}\n")])];

    public override string? DriverName => Mtty.DriverName;

    public override int? GetAvailable(MdevType type) => _pool.Available / PortsOf(type);

    public override void Create(MdevDevice mdev)
    {
        int ports = PortsOf(mdev.Type);
        _pool.Take(ports, mdev.Name);
        mdev.DriverData = new MttyDevice(mdev.Name, ports);
    }

    public override void Remove(MdevDevice mdev)
    {
        if (mdev.DriverData is MttyDevice device)
        {
            mdev.DriverData = null;
            _pool.Return(device.NrPorts);
        }
    }

    public override void Release(MdevDevice mdev) => Of(mdev).Close();

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) => Of(mdev).Read(buffer, offset);

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) => Of(mdev).Write(buffer, offset);

    /// <summary>mtty's ioctl answers <c>ENOTTY</c> to what it does not know (it has no <c>device_feature</c> op: the VFIO core answers other features <c>EINVAL</c>).</summary>
    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.ENOTTY, $"ioctl 0x{command:x} on {mdev.Name}: not a mtty ioctl");

    /// <summary><c>mtty_log_ops</c>: log_start, log_stop and log_read_and_clear all return 0 (mtty does no DMA).</summary>
    public override bool HasDmaLogging(MdevDevice mdev) => true;

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => Of(mdev).GetInfo();

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => MttyRegions.Info(mdev, Of(mdev).NrPorts, index);

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => Of(mdev).GetIrqInfo(index);

    public override (uint NumIrqs, uint MaxIrqType) GetSetIrqsBounds(MdevDevice mdev, uint index) => Of(mdev).SetIrqsBounds();

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => Of(mdev).SetIrqs(request);

    /// <summary><c>mtty_reset</c> only resets migration (done by the VFIO core); the UART keeps its state.</summary>
    public override void Reset(MdevDevice mdev)
    {
    }

    public override VfioMigrationFlags GetMigrationFlags(MdevDevice mdev) =>
        VfioMigrationFlags.StopCopy | VfioMigrationFlags.P2P | VfioMigrationFlags.PreCopy;

    public override void OnMigrationArc(MdevDevice mdev, VfioMigrationState leaving, VfioMigrationState entering) =>
        Of(mdev).NoteMigrationArc(leaving);

    public override void SaveMigrationData(MdevDevice mdev, VfioMigrationState phase, IBufferWriter<byte> output) =>
        Of(mdev).Save(phase, output);

    public override void LoadMigrationData(MdevDevice mdev, ReadOnlySequence<byte> data) => Of(mdev).Load(data);

    public override ulong GetMigrationDataSize(MdevDevice mdev) => (ulong)MttyMigrationBlob.Size(Of(mdev).NrPorts);

    private static int PortsOf(MdevType type) => MttyCatalog.Types.First(t => t.SysfsName == type.SysfsName).NrPorts;

    private static MttyDevice Of(MdevDevice mdev) =>
        mdev.DriverData as MttyDevice ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: not an mtty device, or removed");
}
