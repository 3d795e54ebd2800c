using System.Numerics;
using Mdev.Core;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The iGPU as GVT-g sees it (checked <see cref="GvtOptions"/>, sizes in bytes) and the type list it yields: the
/// config table in order, cut at the first type whose low GM does not fit once into the aperture the host leaves
/// (<c>intel_gvt_init_vgpu_types</c>; only low GM decides the list).
/// </summary>
internal sealed class GvtHardware
{
    private GvtHardware(GvtOptions options)
    {
        DeviceId = options.DeviceId;
        GraphicsVersion = options.GraphicsVersion;
        GgttSize = (ulong)options.GgttMiB << 20;
        ApertureSize = (ulong)options.ApertureMiB << 20;
        Fences = options.Fences;
        Types = [.. VgpuConfigTable.Configs.TakeWhile(c => (ApertureSize - VgpuConfigTable.HostLowGm) / c.LowGm != 0)];
    }

    public ushort DeviceId { get; }

    public int GraphicsVersion { get; }

    /// <summary>The GGTT's address space (<c>ggtt->vm.total</c>).</summary>
    public ulong GgttSize { get; }

    /// <summary>The aperture (<c>ggtt->mappable_end</c>), GM addresses <c>[0, ApertureSize)</c>.</summary>
    public ulong ApertureSize { get; }

    /// <summary>The hidden GM, addresses <c>[ApertureSize, GgttSize)</c>.</summary>
    public ulong HiddenSize => GgttSize - ApertureSize;

    public int Fences { get; }

    /// <summary>The bytes of GGTT entries in BAR0 (8 bytes per 4 KiB page).</summary>
    public ulong GgttEntriesSize => GgttSize / 4096 * 8;

    /// <summary>The types offered, in the table's order.</summary>
    public IReadOnlyList<VgpuConfig> Types { get; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> naming the rule broken.</exception>
    public static GvtHardware From(GvtOptions options)
    {
        string? broken =
            options.GraphicsVersion is not (8 or 9) ? $"graphics version {options.GraphicsVersion}: GVT-g supports 8 (Broadwell) and 9 (Skylake and later)"
            : options.ApertureMiB <= 0 || !BitOperations.IsPow2(options.ApertureMiB) ? $"aperture {options.ApertureMiB} MiB: a BAR size must be a power of two"
            : options.ApertureMiB < 128 + VgpuConfigTable.Configs[0].LowGmMiB ? $"aperture {options.ApertureMiB} MiB: no vGPU type fits beside the host's 128 MiB"
            : options.GgttMiB > 4096 ? $"GGTT {options.GgttMiB} MiB: at most 4096 (the GGTT entries fill BAR0 from 8 MiB to 16 MiB)"
            : options.GgttMiB - options.ApertureMiB < 384 ? $"GGTT {options.GgttMiB} MiB: the hidden GM above a {options.ApertureMiB} MiB aperture must hold the host's 384 MiB"
            : options.Fences is < VgpuConfigTable.HostFences or > 32 ? $"{options.Fences} fences: between {VgpuConfigTable.HostFences} (the host's) and 32"
            : null;
        return broken is null ? new GvtHardware(options) : throw new MdevException(Errno.EINVAL, "i915 GVT-g: " + broken);
    }

    /// <summary>The type's <c>sysfs_name</c>: <c>GVTg_V4_n</c> on graphics version 8, else <c>GVTg_V5_n</c>.</summary>
    public string TypeName(VgpuConfig config) => $"GVTg_V{(GraphicsVersion == 8 ? 4 : 5)}_{config.Name}";
}
