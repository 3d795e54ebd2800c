using System.Buffers;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A vendor driver whose devices are used through VFIO: <see cref="ParentOps"/> plus the typed device-file
/// callbacks (<c>vfio_device_ops</c>). <see cref="VfioDevice"/> turns the uapi ioctls into these calls, doing the
/// argsz protocol, capability chains and the common SET_IRQS validation itself, so a vendor never parses uapi bytes;
/// any other ioctl still reaches <see cref="ParentOps.Ioctl"/>.
/// </summary>
public abstract class VfioParentOps : ParentOps
{
    /// <summary><c>VFIO_DEVICE_GET_INFO</c>: flags, number of regions and IRQ indexes.</summary>
    /// <param name="mdev">The device.</param>
    /// <returns>The info.</returns>
    public abstract VfioDeviceInfo GetDeviceInfo(MdevDevice mdev);

    /// <summary><c>VFIO_DEVICE_GET_REGION_INFO</c>; throw <c>EINVAL</c> for an index the device does not have (the default does for every index).</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="index">The region index.</param>
    /// <returns>The region, with its capabilities.</returns>
    public virtual VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) =>
        throw new MdevException(Errno.EINVAL, $"region info {index} on {mdev.Name}: no such region");

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c>; throw <c>EINVAL</c> for an index the device does not have (the default does for every index).</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The IRQ index's info.</returns>
    public virtual VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) =>
        throw new MdevException(Errno.EINVAL, $"irq info {index} on {mdev.Name}: no such IRQ index");

    /// <summary>
    /// The bounds <c>vfio_set_irqs_validate_and_prepare(hdr, num_irqs, max_irq_type)</c> checks a SET_IRQS against:
    /// by default the index's <see cref="VfioIrqInfo.Count"/> and the device's <see cref="VfioDeviceInfo.NumIrqs"/>.
    /// Override to reproduce a driver's own choice (mtty passes its cached number of IRQ indexes as both).
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="index">The IRQ index of the request (already below <c>maxIrqType</c> when asked for <c>numIrqs</c>).</param>
    /// <returns><c>numIrqs</c> (interrupts of the index) and <c>maxIrqType</c> (number of indexes).</returns>
    public virtual (uint NumIrqs, uint MaxIrqType) GetSetIrqsBounds(MdevDevice mdev, uint index)
    {
        var maxIrqType = GetDeviceInfo(mdev).NumIrqs;
        return (index < maxIrqType ? GetIrqInfo(mdev, index).Count : 0, maxIrqType);
    }

    /// <summary><c>VFIO_DEVICE_SET_IRQS</c>, already validated by the common rules; the default refuses with <c>ENOTTY</c>.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="request">The request.</param>
    public virtual void SetIrqs(MdevDevice mdev, VfioIrqSet request) =>
        throw new MdevException(Errno.ENOTTY, $"set irqs on {mdev.Name}: not supported by the vendor driver");

    /// <summary><c>VFIO_DEVICE_RESET</c>; the default refuses with <c>ENOTTY</c>.</summary>
    /// <param name="mdev">The device.</param>
    public virtual void Reset(MdevDevice mdev) =>
        throw new MdevException(Errno.ENOTTY, $"reset on {mdev.Name}: not supported by the vendor driver");

    /// <summary>
    /// The container is about to unmap <c>[iova, iova + length)</c> (<c>vfio_device_ops.dma_unmap</c>): unpin every page
    /// you pinned in that range, now. The default does nothing.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="iova">The first IOVA of the mapping going away.</param>
    /// <param name="length">Its length.</param>
    public virtual void DmaUnmap(MdevDevice mdev, ulong iova, ulong length)
    {
    }

    /// <summary><c>VFIO_DEVICE_FEATURE_MIGRATION</c>: which migration arcs the device supports; <see cref="VfioMigrationFlags.None"/> (the default) means none, and the migration features answer <c>ENOTTY</c>.</summary>
    /// <param name="mdev">The device.</param>
    /// <returns>The flags.</returns>
    public virtual VfioMigrationFlags GetMigrationFlags(MdevDevice mdev) => VfioMigrationFlags.None;

    /// <summary>One migration arc (<c>migration_set_state</c> steps single arcs only), before its data handling. The default does nothing.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="leaving">The state left.</param>
    /// <param name="entering">The state entered.</param>
    public virtual void OnMigrationArc(MdevDevice mdev, VfioMigrationState leaving, VfioMigrationState entering)
    {
    }

    /// <summary>
    /// Writes the device's state into the saving stream: on entering PRE_COPY/PRE_COPY_P2P (<paramref name="phase"/> is
    /// that state: the initial data) and on entering STOP_COPY (the final data, appended to a pre-copy stream when there
    /// is one). The default refuses with <c>ENOTTY</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="phase">The state being entered.</param>
    /// <param name="output">Where the bytes go.</param>
    public virtual void SaveMigrationData(MdevDevice mdev, VfioMigrationState phase, IBufferWriter<byte> output) =>
        throw new MdevException(Errno.ENOTTY, $"migration on {mdev.Name}: the vendor driver cannot save state");

    /// <summary>
    /// Loads everything written into the resuming stream, on RESUMING → STOP. Throw (e.g. <c>EINVAL</c> for a bad magic or a
    /// truncated blob) to refuse: the device then stays in RESUMING, usable, with its old state. The default refuses with <c>ENOTTY</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="data">The bytes received.</param>
    public virtual void LoadMigrationData(MdevDevice mdev, ReadOnlySequence<byte> data) =>
        throw new MdevException(Errno.ENOTTY, $"migration on {mdev.Name}: the vendor driver cannot load state");

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DATA_SIZE</c>: an estimate of the STOP_COPY data length. The default is 0.</summary>
    /// <param name="mdev">The device.</param>
    /// <returns>The estimate in bytes.</returns>
    public virtual ulong GetMigrationDataSize(MdevDevice mdev) => 0;

    /// <summary>
    /// Whether the device has DMA logging ops (<c>vfio_device.log_ops</c>): then <c>VFIO_DEVICE_FEATURE</c>
    /// DMA_LOGGING_START/STOP/REPORT are answered by the VFIO core's handlers, which call
    /// <see cref="DmaLoggingStart"/>, <see cref="DmaLoggingStop"/> and <see cref="DmaLoggingReadAndClear"/>; without
    /// them (the default) the three features are <c>ENOTTY</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <returns>Whether the device logs DMA.</returns>
    public virtual bool HasDmaLogging(MdevDevice mdev) => false;

    /// <summary><c>log_start</c>: start tracking the ranges (validated by the core: aligned, no overflow, no overlap); the default does nothing.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="ranges">1 to 256 ranges, each aligned to <paramref name="pageSize"/>.</param>
    /// <param name="pageSize">The page size asked for; a driver may set the one it uses (written back to the caller).</param>
    public virtual void DmaLoggingStart(MdevDevice mdev, IReadOnlyList<VfioIovaRange> ranges, ref ulong pageSize)
    {
    }

    /// <summary><c>log_stop</c>; the default does nothing.</summary>
    /// <param name="mdev">The device.</param>
    public virtual void DmaLoggingStop(MdevDevice mdev)
    {
    }

    /// <summary><c>log_read_and_clear</c>: the ranges inside <c>[iova, iova + length)</c> the device dirtied since the last call; the default reports none.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="iova">The first IOVA asked about.</param>
    /// <param name="length">The length asked about.</param>
    /// <returns>The dirtied ranges; the core sets their bits in the caller's bitmap.</returns>
    public virtual IReadOnlyList<VfioIovaRange> DmaLoggingReadAndClear(MdevDevice mdev, ulong iova, ulong length) => [];

    /// <summary>
    /// <c>vfio_device_ops.device_feature</c>: a <c>VFIO_DEVICE_FEATURE</c> the core does not handle itself, after its
    /// common checks; <paramref name="flags"/> is the request's flags, <paramref name="data"/> the bytes after them (the
    /// caller's argsz less 8). The default is the core's answer for a device without the op: <c>EINVAL</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="flags">The feature index and GET/SET/PROBE bits.</param>
    /// <param name="data">The feature's payload.</param>
    /// <returns>The ioctl's result.</returns>
    public virtual long DeviceFeature(MdevDevice mdev, uint flags, Span<byte> data) =>
        throw new MdevException(Errno.EINVAL, $"device feature {flags & VfioIoctl.FeatureMask} on {mdev.Name}: the driver has no device_feature op");

    /// <summary>
    /// Whether the driver answers <c>VFIO_DEVICE_QUERY_GFX_PLANE</c> and <c>VFIO_DEVICE_GET_GFX_DMABUF</c> (kvmgt does):
    /// then the raw path checks the struct as kvmgt does and calls <see cref="QueryGfxPlane"/> and
    /// <see cref="GetGfxDmabuf"/>; otherwise (the default) both ioctls reach <see cref="ParentOps.Ioctl"/> untouched, as
    /// they reach a kernel driver's own ioctl op (mtty: <c>ENOTTY</c>, vfio-ap: <c>EOPNOTSUPP</c>).
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <returns>Whether the device has display planes.</returns>
    public virtual bool HasGfxPlanes(MdevDevice mdev) => false;

    /// <summary>
    /// <c>VFIO_DEVICE_QUERY_GFX_PLANE</c> (a vendor ioctl: kvmgt's <c>intel_vgpu_query_plane</c>), when
    /// <see cref="HasGfxPlanes"/>: answer for the plane
    /// asked about; return the struct to copy back (return <paramref name="request"/> itself to leave it as the caller
    /// gave it). The raw path has checked <c>argsz</c> against <see cref="VfioGfxPlaneInfo.MinSize"/> (<c>EINVAL</c>).
    /// The default is a driver without display: <c>ENOTTY</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="request">The caller's struct: flags, plane type and whatever else it held.</param>
    /// <returns>The struct to copy back.</returns>
    public virtual VfioGfxPlaneInfo QueryGfxPlane(MdevDevice mdev, VfioGfxPlaneInfo request) =>
        throw new MdevException(Errno.ENOTTY, $"query gfx plane on {mdev.Name}: the vendor driver has no display");

    /// <summary>
    /// <c>VFIO_DEVICE_GET_GFX_DMABUF</c> (kvmgt's <c>intel_vgpu_get_dmabuf</c>): the dma-buf of a plane a query handed out
    /// by id; the raw path makes it a descriptor of the caller's process. The default is <c>ENOTTY</c>.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="dmabufId">The id from <see cref="VfioGfxPlaneInfo.DmabufId"/>.</param>
    /// <returns>The dma-buf.</returns>
    public virtual VfioDmabuf GetGfxDmabuf(MdevDevice mdev, uint dmabufId) =>
        throw new MdevException(Errno.ENOTTY, $"get gfx dmabuf on {mdev.Name}: the vendor driver has no display");
}
