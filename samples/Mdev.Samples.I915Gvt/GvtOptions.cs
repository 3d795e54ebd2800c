namespace Mdev.Samples.I915Gvt;

/// <summary>The integrated GPU an <see cref="I915Gvt"/> parent stands for; a host file can describe it.</summary>
public sealed record GvtOptions
{
    /// <summary>The iGPU's PCI address; the parent sits at <c>/sys/devices/pci&lt;domain&gt;:00/&lt;address&gt;</c>.</summary>
    public string PciAddress { get; init; } = "0000:00:02.0";

    /// <summary>The PCI device id (vendor 0x8086); default 0x1912, a Skylake GT2.</summary>
    public ushort DeviceId { get; init; } = 0x1912;

    /// <summary>The graphics version: 8 (Broadwell, types <c>GVTg_V4_*</c>) or 9 (Skylake and later, <c>GVTg_V5_*</c>).</summary>
    public int GraphicsVersion { get; init; } = 9;

    /// <summary>The global GTT's address space in MiB (at most 4096); what lies above the aperture is the hidden ("high") GM.</summary>
    public int GgttMiB { get; init; } = 4096;

    /// <summary>The CPU-visible aperture ("low" GM, BAR2) in MiB: a power of two.</summary>
    public int ApertureMiB { get; init; } = 512;

    /// <summary>The fence registers (at most 32).</summary>
    public int Fences { get; init; } = 32;
}
