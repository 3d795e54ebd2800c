namespace Mdev.Samples.I915Gvt;

/// <summary>
/// GVT-g's fixed numbers (<c>drivers/gpu/drm/i915/gvt/vgpu.c</c>, <c>gvt.h</c>): the vGPU config table, what the host
/// keeps for itself, and the vGPU id range.
/// </summary>
internal static class VgpuConfigTable
{
    /// <summary><c>HOST_LOW_GM_SIZE</c>: aperture the host keeps.</summary>
    public const ulong HostLowGm = 128UL << 20;

    /// <summary><c>HOST_HIGH_GM_SIZE</c>: hidden GM the host keeps.</summary>
    public const ulong HostHighGm = 384UL << 20;

    /// <summary><c>HOST_FENCE</c>: fences the host keeps.</summary>
    public const int HostFences = 4;

    /// <summary><c>GVT_MAX_VGPU</c>: vGPU ids come from <c>idr_alloc(1, GVT_MAX_VGPU)</c>, so 1..7 (0 is the idle vGPU).</summary>
    public const int MaxVgpu = 8;

    /// <summary><c>intel_vgpu_configs[]</c>, in the kernel's order; weight = 16 / n.</summary>
    public static IReadOnlyList<VgpuConfig> Configs { get; } =
    [
        new("8", 64, 384, 4, 2, "1024x768"),
        new("4", 128, 512, 4, 4, "1920x1200"),
        new("2", 256, 1024, 4, 8, "1920x1200"),
        new("1", 512, 2048, 4, 16, "1920x1200"),
    ];
}
