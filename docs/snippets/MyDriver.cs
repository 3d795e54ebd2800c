using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

/// <summary>
/// A minimal vendor driver: parent <c>mydrv</c> with one type <c>mydrv-1</c> (up to 4 devices), each a PCI device
/// with a 4 KiB memory BAR0: a scratch register at 0x00 and a doorbell at 0x10 that raises INTx.
/// </summary>
public sealed class MyDriver : PciParentOps
{
    /// <inheritdoc />
    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci", "My device")];

    /// <inheritdoc />
    public override int MaxInstances => 4;

    /// <inheritdoc />
    public override string? DriverName => "mydrv";

    /// <summary>
    /// Registers the driver's VFIO mdev driver <c>mydrv</c> when <paramref name="vfio"/> is given (the kernel's
    /// per-vendor <c>mdev_driver</c>: without it devices exist unbound, with no VFIO group), then adds the parent
    /// device <c>/sys/devices/virtual/mydrv/mydrv</c> and registers it.
    /// </summary>
    public static MdevParent Register(MdevCore core, VfioModule? vfio = null)
    {
        vfio?.RegisterVendorDriver("mydrv");
        return core.RegisterParent(core.AddDevice("/sys/devices/virtual/mydrv/mydrv", deviceClass: "mydrv"), new MyDriver());
    }

    /// <inheritdoc />
    protected override PciDevice CreateDevice(MdevDevice mdev) => new Device();

    private sealed class Device : PciDevice
    {
        private uint _scratch; // guarded by SyncRoot, which PciDevice holds around every handler

        public Device()
            : base(new PciHeader(0x1af4, 0x10f0), new PciInterrupts(intx: true, msiVectors: 0)) =>
            DefineBar(VfioPciRegion.Bar0, PciBarKind.Memory32, 0x1000, Read, Write);

        private void Read(long offset, Span<byte> data)
        {
            data.Clear();
            if (offset == 0x00 && data.Length == 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data, _scratch);
            }
        }

        private void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (offset == 0x00 && data.Length == 4)
            {
                _scratch = BinaryPrimitives.ReadUInt32LittleEndian(data);
            }
            else if (offset == 0x10)
            {
                Interrupts.Raise(); // whatever the VMM enabled: here INTx
            }
        }
    }
}
