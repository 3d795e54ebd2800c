using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The vendor driver of one physical GPU: a type per catalog profile of its board, availability under the one-type
/// rule (<see cref="PhysicalGpu"/>), the per-vGPU attribute <c>nvidia/vgpu_params</c>, and the VFIO device callbacks
/// handed to each vGPU's <see cref="VgpuDevice"/>.
/// </summary>
internal sealed class NvidiaParentOps : VfioParentOps
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

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; }

    public override int? GetAvailable(MdevType type) => _gpu.Available(Profile(type));

    public override string? ShowDescription(MdevType type) => Profile(type).Description;

    public override void Create(MdevDevice mdev)
    {
        var profile = Profile(mdev.Type);
        _gpu.Allocate(profile, mdev.Type.Name);
        mdev.DriverData = new VgpuDevice(_board, profile);
    }

    public override void Remove(MdevDevice mdev)
    {
        if (mdev.DriverData is VgpuDevice)
        {
            mdev.DriverData = null;
            _gpu.Free();
        }
    }

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, VgpuDevice.NumRegions, VgpuDevice.NumIrqs);

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => Vgpu(mdev).RegionInfo(index);

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => VgpuDevice.IrqInfo(index);

    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request) => Vgpu(mdev).SetIrqs(request);

    public override void Reset(MdevDevice mdev) => Vgpu(mdev).Reset();

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset) => Vgpu(mdev).Read(buffer, offset);

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) => Vgpu(mdev).Write(buffer, offset);

    public override Memory<byte> Mmap(MdevDevice mdev, long offset, long length) => Vgpu(mdev).Mmap(offset, length);

    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.ENOTTY, $"ioctl 0x{command:x} on {mdev.Name}: not a vGPU ioctl");

    private static VgpuDevice Vgpu(MdevDevice mdev) =>
        mdev.DriverData as VgpuDevice ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: the vGPU is gone");

    private static string ShowParams(MdevDevice mdev) => Vgpu(mdev).Params.Show();

    private static void StoreParams(MdevDevice mdev, string text) =>
        Vgpu(mdev).Params = VgpuParams.Parse(text, $"{mdev.Name}/nvidia/vgpu_params");

    private VgpuProfile Profile(MdevType type) => _profiles[type.SysfsName];
}
