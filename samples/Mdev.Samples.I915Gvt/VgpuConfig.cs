using System.Globalization;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// A row of the vGPU config table (<c>intel_vgpu_configs[]</c>): the type's share of low (aperture) and high (hidden)
/// graphics memory, fences, scheduler weight and the EDID resolution of its virtual display.
/// </summary>
/// <param name="Name">The type suffix: <c>8</c> for <c>GVTg_V5_8</c>, roughly "eight of these fit".</param>
internal sealed record VgpuConfig(string Name, int LowGmMiB, int HighGmMiB, int Fences, int Weight, string Resolution)
{
    public ulong LowGm => (ulong)LowGmMiB << 20;

    public ulong HighGm => (ulong)HighGmMiB << 20;

    /// <summary>What <c>description</c> shows (modern format, five lines).</summary>
    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"low_gm_size: {LowGmMiB}MB\nhigh_gm_size: {HighGmMiB}MB\nfence: {Fences}\nresolution: {Resolution}\nweight: {Weight}\n");
}
