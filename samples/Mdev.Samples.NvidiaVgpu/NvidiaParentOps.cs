using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The vendor driver of one physical GPU: a type per catalog profile of its board, availability under the one-type
/// rule (<see cref="PhysicalGpu"/>), the per-vGPU attribute <c>nvidia/vgpu_params</c>; <see cref="PciParentOps"/>
/// routes the VFIO device callbacks to each vGPU's <see cref="VgpuDevice"/>, whose interrupts follow its own rules.
/// </summary>
internal sealed class NvidiaParentOps : PciParentOps
{
    private readonly GpuBoard _board;
    private readonly PhysicalGpu _gpu;
    private readonly Dictionary<string, VgpuProfile> _profiles;

    public NvidiaParentOps(GpuBoard board, string gpuName)
    {
        _board = board;
        _gpu = new PhysicalGpu(gpuName);
        _profiles = board.Profiles.ToDictionary(p => p.SysfsName, StringComparer.Ordinal);
        SupportedTypeGroups = [.. board.Profiles.Select(p => new MdevTypeGroup(p.SysfsName, "vfio-pci", p.Name))];
        MdevAttrGroups = [new("nvidia", [MdevAttribute<MdevDevice>.ReadWrite("vgpu_params", ShowParams, StoreParams)])];
    }

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; }

    public override string? DriverName => NvidiaVgpu.MdevDriverName;

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; }

    public override int? GetAvailable(MdevType type) => _gpu.Available(Profile(type));

    public override string? ShowDescription(MdevType type) => Profile(type).Description;

    public override void Remove(MdevDevice mdev)
    {
        if (mdev.DriverData is VgpuDevice)
        {
            base.Remove(mdev);
            _gpu.Free();
        }
    }

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => VgpuDevice.IrqInfo(index);

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => Vgpu(mdev).SetIrqs(request);

    /// <summary>The closed driver's choice is not public: eventfds stay bound across the last close, as before.</summary>
    public override void Release(MdevDevice mdev)
    {
    }

    protected override PciDevice CreateDevice(MdevDevice mdev)
    {
        var profile = Profile(mdev.Type);
        _gpu.Allocate(profile, mdev.Type.Name);
        return new VgpuDevice(_board, profile);
    }

    private static VgpuDevice Vgpu(MdevDevice mdev) =>
        mdev.DriverData as VgpuDevice ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: the vGPU is gone");

    private static string ShowParams(MdevDevice mdev) => Vgpu(mdev).Params.Show();

    private static void StoreParams(MdevDevice mdev, string text) =>
        Vgpu(mdev).Params = VgpuParams.Parse(text, $"{mdev.Name}/nvidia/vgpu_params");

    private VgpuProfile Profile(MdevType type) => _profiles[type.SysfsName];
}
