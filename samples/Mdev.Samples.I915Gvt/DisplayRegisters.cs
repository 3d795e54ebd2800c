namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The vGPU MMIO registers and bits <c>intel_vgpu_emulate_hotplug</c> touches for port D on Skylake-class parts
/// (<c>i915_reg.h</c> values, written down from memory, not looked up for this sample).
/// </summary>
internal static class DisplayRegisters
{
    /// <summary><c>SFUSE_STRAP</c> and <c>SFUSE_STRAP_DDID_DETECTED</c>.</summary>
    public const int SfuseStrap = 0xC2014;
    public const uint SfuseStrapDdidDetected = 1u << 0;

    /// <summary><c>SDEISR</c>, <c>SDEIIR</c> and <c>SDE_PORTD_HOTPLUG_CPT</c>.</summary>
    public const int Sdeisr = 0xC4000;
    public const int Sdeiir = 0xC4008;
    public const uint SdePortDHotplugCpt = 1u << 23;

    /// <summary><c>PCH_PORT_HOTPLUG</c> and <c>PORTD_HOTPLUG_STATUS_MASK</c>.</summary>
    public const int PchPortHotplug = 0xC4030;
    public const uint PortDHotplugStatusMask = 3u << 16;
}
