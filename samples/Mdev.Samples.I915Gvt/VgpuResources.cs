namespace Mdev.Samples.I915Gvt;

/// <summary>What one vGPU holds of the iGPU: its id, its aperture and hidden GM slices (GM addresses) and its fences.</summary>
internal sealed record VgpuResources(int Id, VgpuConfig Config, ulong ApertureBase, ulong HiddenBase)
{
    public ulong ApertureSize => Config.LowGm;

    public ulong HiddenSize => Config.HighGm;

    /// <summary>Whether a GM address lies in one of this vGPU's slices (<c>vgpu_gmadr_is_valid</c>).</summary>
    public bool Owns(ulong gmAddress) =>
        (gmAddress >= ApertureBase && gmAddress - ApertureBase < ApertureSize) || (gmAddress >= HiddenBase && gmAddress - HiddenBase < HiddenSize);
}
