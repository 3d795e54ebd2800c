namespace Mdev.Samples.NvidiaVgpu;

/// <summary>A vGPU-capable board: one physical GPU's PCI identity, its framebuffer and the vGPU types it offers.</summary>
/// <param name="Name">The catalog key and the board part of <c>GRID &lt;board&gt;-&lt;profile&gt;</c> (<c>M60</c>).</param>
/// <param name="DeviceId">The PCI device id the vGPU shows (vendor 0x10de).</param>
/// <param name="Boot0">The value of the first BAR0 register (NV_PMC_BOOT_0: chip id and stepping).</param>
/// <param name="FramebufferMiB">The framebuffer of one physical GPU.</param>
/// <param name="Profiles">The vGPU types, in the driver's order.</param>
internal sealed record GpuBoard(string Name, ushort DeviceId, uint Boot0, int FramebufferMiB, IReadOnlyList<VgpuProfile> Profiles);
