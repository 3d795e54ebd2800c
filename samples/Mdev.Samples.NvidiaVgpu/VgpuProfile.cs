using System.Globalization;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// One vGPU type of a board, as the NVIDIA host driver lists it: type directory <c>nvidia-&lt;TypeId&gt;</c>, <c>name</c>
/// <c>GRID &lt;board&gt;-&lt;profile&gt;</c> and the one-line <c>description</c>.
/// </summary>
internal sealed record VgpuProfile(
    int TypeId, string Board, string Profile, int NumHeads, int FrlConfig, int FramebufferMiB, int MaxResolutionX, int MaxResolutionY, int MaxInstance)
{
    /// <summary>The type id without the driver prefix (<c>sysfs_name</c>): <c>11</c> for <c>nvidia-11</c>.</summary>
    public string SysfsName => TypeId.ToString(CultureInfo.InvariantCulture);

    /// <summary>What <c>name</c> shows.</summary>
    public string Name => $"GRID {Board}-{Profile}";

    /// <summary>What <c>description</c> shows, newline included.</summary>
    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"num_heads={NumHeads}, frl_config={FrlConfig}, framebuffer={FramebufferMiB}M, max_resolution={MaxResolutionX}x{MaxResolutionY}, max_instance={MaxInstance}\n");

    /// <summary>The vGPU's framebuffer in bytes.</summary>
    public ulong FramebufferBytes => (ulong)FramebufferMiB << 20;
}
