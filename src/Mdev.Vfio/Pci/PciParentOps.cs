using System.Buffers;
using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// A vendor driver whose devices are <see cref="PciDevice"/>s: implement <see cref="CreateDevice"/> (and the types,
/// <see cref="ParentOps.MaxInstances"/> or <see cref="ParentOps.GetAvailable"/>), and every VFIO device callback is
/// routed to the device kept in <see cref="MdevDevice.DriverData"/>: GET_INFO, GET_REGION_INFO, GET_IRQ_INFO, SET_IRQS
/// (to <see cref="PciDevice.Interrupts"/>), RESET, read, write, mmap and migration. The last close disables the
/// interrupts, as vfio-pci's <c>close_device</c>. Override any member to do it differently.
/// </summary>
public abstract class PciParentOps : VfioParentOps
{
    /// <summary>The device behind <paramref name="mdev"/>.</summary>
    /// <param name="mdev">The mdev device.</param>
    /// <returns>Its PCI device.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> once the device is removed.</exception>
    public static PciDevice DeviceOf(MdevDevice mdev)
    {
        ArgumentNullException.ThrowIfNull(mdev);
        return mdev.DriverData as PciDevice ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: no PCI device (removed, or not created by a PciParentOps)");
    }

    /// <summary>Creates the device <see cref="CreateDevice"/> builds and keeps it in <see cref="MdevDevice.DriverData"/>.</summary>
    /// <param name="mdev">The new mdev device.</param>
    public override void Create(MdevDevice mdev)
    {
        ArgumentNullException.ThrowIfNull(mdev);
        mdev.DriverData = CreateDevice(mdev) ?? throw new MdevException(Errno.EINVAL, $"create {mdev.Name}: CreateDevice returned null");
    }

    /// <summary>Drops the device.</summary>
    /// <param name="mdev">The mdev device.</param>
    public override void Remove(MdevDevice mdev)
    {
        ArgumentNullException.ThrowIfNull(mdev);
        mdev.DriverData = null;
    }

    /// <summary>Last close: disables every interrupt (vfio-pci's <c>vfio_pci_core_disable</c>).</summary>
    /// <param name="mdev">The mdev device.</param>
    public override void Release(MdevDevice mdev)
    {
        if (mdev?.DriverData is PciDevice device)
        {
            device.Interrupts.Reset();
        }
    }

    /// <inheritdoc />
    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) =>
        new(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, DeviceOf(mdev).NumRegions, PciInterrupts.NumIrqs);

    /// <inheritdoc />
    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => DeviceOf(mdev).GetRegionInfo(index);

    /// <inheritdoc />
    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => DeviceOf(mdev).Interrupts.Info(index);

    /// <inheritdoc />
    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => DeviceOf(mdev).Interrupts.SetIrqs(request);

    /// <inheritdoc />
    public override void Reset(MdevDevice mdev) => DeviceOf(mdev).Reset();

    /// <inheritdoc />
    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) => DeviceOf(mdev).Read(buffer, offset);

    /// <inheritdoc />
    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) => DeviceOf(mdev).Write(buffer, offset);

    /// <inheritdoc />
    public override Memory<byte> Mmap(MdevDevice mdev, long offset, long length) => DeviceOf(mdev).Mmap(offset, length);

    /// <summary>Any ioctl the VFIO layer does not handle: <c>ENOTTY</c>, as vfio-pci.</summary>
    /// <param name="mdev">The mdev device.</param>
    /// <param name="command">The request.</param>
    /// <param name="argument">The argument.</param>
    /// <returns>Never returns.</returns>
    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.ENOTTY, $"ioctl 0x{command:x} on {mdev?.Name}: not a vfio-pci ioctl");

    /// <inheritdoc />
    public override VfioMigrationFlags GetMigrationFlags(MdevDevice mdev) => DeviceOf(mdev).MigrationFlags;

    /// <summary>Saves the device (<see cref="PciDevice.Save"/>) on entering STOP_COPY; a device that also declares PRE_COPY must override this to say what its pre-copy data is.</summary>
    /// <param name="mdev">The mdev device.</param>
    /// <param name="phase">The state being entered.</param>
    /// <param name="output">Where the bytes go.</param>
    public override void SaveMigrationData(MdevDevice mdev, VfioMigrationState phase, IBufferWriter<byte> output)
    {
        if (phase != VfioMigrationState.StopCopy)
        {
            throw new MdevException(Errno.ENOTTY, $"migration on {mdev?.Name}: PciParentOps saves in STOP_COPY only; override SaveMigrationData for {phase}");
        }

        DeviceOf(mdev!).Save(output);
    }

    /// <inheritdoc />
    public override void LoadMigrationData(MdevDevice mdev, ReadOnlySequence<byte> data) => DeviceOf(mdev).Load(data);

    /// <summary>Builds the device for a new mdev: a <see cref="PciDevice"/> (or your subclass) with its BARs and regions declared.</summary>
    /// <param name="mdev">The new mdev device (its type says which variant to build).</param>
    /// <returns>The device.</returns>
    protected abstract PciDevice CreateDevice(MdevDevice mdev);
}
