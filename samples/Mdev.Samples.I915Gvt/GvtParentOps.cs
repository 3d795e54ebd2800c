using System.Globalization;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// kvmgt's <c>intel_vgpu_mdev_driver</c>: one type per offered config, availability and allocation from the shared
/// <see cref="GvtResources"/>, the per-vGPU attribute <c>intel_vgpu/vgpu_id</c>, and the VFIO device callbacks handed to
/// each vGPU's <see cref="IntelVgpu"/>. Devices bind to the mdev driver <c>intel_vgpu_mdev</c>.
/// </summary>
internal sealed class GvtParentOps : VfioParentOps
{
    public const string MdevDriverName = "intel_vgpu_mdev";

    /// <summary>The module of <c>intel_vgpu_mdev</c>: kvmgt.c is built into <c>kvmgt.ko</c> (drivers/gpu/drm/i915/Makefile, 5.19+).</summary>
    public const string MdevDriverModule = "kvmgt";

    private readonly GvtHardware _hardware;
    private readonly GvtResources _resources;
    private readonly Dictionary<string, VgpuConfig> _configs;

    public GvtParentOps(GvtHardware hardware)
    {
        _hardware = hardware;
        _resources = new GvtResources(hardware);
        _configs = hardware.Types.ToDictionary(hardware.TypeName, StringComparer.Ordinal);
        SupportedTypeGroups = [.. hardware.Types.Select(c => new MdevTypeGroup(hardware.TypeName(c), "vfio-pci"))];
    }

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; }

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; } =
    [
        new("intel_vgpu", [MdevAttribute<MdevDevice>.ReadOnly("vgpu_id", d => Vgpu(d).Resources.Id.ToString(CultureInfo.InvariantCulture) + "\n")]),
    ];

    public override string? DriverName => MdevDriverName;

    public override int? GetAvailable(MdevType type) => _resources.Available(Config(type));

    public override string? ShowDescription(MdevType type) => Config(type).Description;

    public override void Create(MdevDevice mdev) =>
        mdev.DriverData = new IntelVgpu(_hardware, _resources.Allocate(Config(mdev.Type), mdev.Type.Name));

    public override void Remove(MdevDevice mdev)
    {
        if (mdev.DriverData is IntelVgpu vgpu)
        {
            mdev.DriverData = null;
            _resources.Free(vgpu.Resources);
        }
    }

    public override void Release(MdevDevice mdev) => Vgpu(mdev).Release();

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, IntelVgpu.NumRegions, IntelVgpu.NumIrqs);

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => Vgpu(mdev).RegionInfo(index);

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => IntelVgpu.IrqInfo(index);

    /// <summary>kvmgt validates against <c>intel_vgpu_get_irq_count</c> (1 for INTx and MSI, else 0) and <c>VFIO_PCI_NUM_IRQS</c>.</summary>
    public override (uint NumIrqs, uint MaxIrqType) GetSetIrqsBounds(MdevDevice mdev, uint index) => (index is 0 or 1 ? 1u : 0u, IntelVgpu.NumIrqs);

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => Vgpu(mdev).SetIrqs(request);

    public override void Reset(MdevDevice mdev) => Vgpu(mdev).Reset();

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) => Vgpu(mdev).Read(buffer, offset);

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) => Vgpu(mdev).Write(buffer, offset);

    public override Memory<byte> Mmap(MdevDevice mdev, long offset, long length) => Vgpu(mdev).Mmap(offset, length);

    /// <summary>kvmgt answers QUERY_GFX_PLANE and GET_GFX_DMABUF itself (<c>intel_vgpu_ioctl</c>).</summary>
    public override bool HasGfxPlanes(MdevDevice mdev) => true;

    /// <summary><c>VFIO_DEVICE_QUERY_GFX_PLANE</c> (kvmgt's <c>intel_vgpu_ioctl</c> → <c>intel_vgpu_query_plane</c>).</summary>
    public override VfioGfxPlaneInfo QueryGfxPlane(MdevDevice mdev, VfioGfxPlaneInfo request) => Vgpu(mdev).QueryPlane(request);

    /// <summary><c>VFIO_DEVICE_GET_GFX_DMABUF</c> (<c>intel_vgpu_get_dmabuf</c>).</summary>
    public override VfioDmabuf GetGfxDmabuf(MdevDevice mdev, uint dmabufId) => Vgpu(mdev).GetDmabuf(dmabufId, mdev.Vfio());

    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.ENOTTY, $"ioctl 0x{command:x} on {mdev.Name}: not modelled by this GVT-g sample");

    private static IntelVgpu Vgpu(MdevDevice mdev) =>
        mdev.DriverData as IntelVgpu ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: the vGPU is gone");

    private VgpuConfig Config(MdevType type) => _configs[type.SysfsName];
}
