namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The vGPU MMIO registers and bits <c>intel_vgpu_emulate_hotplug</c> touches for port D on Skylake-class parts, and
/// those the plane decoder (gvt/fb_decoder.c) reads (<c>i915_reg.h</c> values, written down from memory, not looked up
/// for this sample).
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

    /// <summary>Pipe B's and C's registers sit 0x1000 after pipe A's (<c>_PIPE(pipe, a, b)</c> for the ones below).</summary>
    public const int PipeStride = 0x1000;

    /// <summary><c>PIPECONF(A)</c> (<c>TRANSCONF</c>) and <c>PIPECONF_ENABLE</c>: <c>get_active_pipe</c> takes the first pipe enabled.</summary>
    public const int PipeConfA = 0x70008;
    public const uint PipeConfEnable = 1u << 31;

    /// <summary><c>PIPESRC(A)</c>: bits 31:16 width - 1, bits 15:0 height - 1.</summary>
    public const int PipeSrcA = 0x6001C;

    /// <summary><c>DSPCNTR(A)</c>, on Skylake <c>PLANE_CTL(A, 0)</c>: bit 31 enables the primary plane.</summary>
    public const int DspCntrA = 0x70180;
    public const uint PlaneEnable = 1u << 31;

    /// <summary>Skylake <c>PLANE_CTL</c> fields: format bits 27:24, RGBX order bit 20, tiling bits 12:10.</summary>
    public const int SklFormatShift = 24;
    public const uint SklFormatMask = 0xfu << SklFormatShift;
    public const uint SklOrderRgbx = 1u << 20;
    public const int SklTiledShift = 10;
    public const uint SklTiledMask = 7u << SklTiledShift;

    /// <summary>Broadwell <c>DSPCNTR</c> fields: format bits 29:26, tiled bit 10.</summary>
    public const int BdwFormatShift = 26;
    public const uint BdwFormatMask = 0xfu << BdwFormatShift;
    public const uint BdwTiled = 1u << 10;

    /// <summary><c>DSPSTRIDE(A)</c> (<c>PLANE_STRIDE</c>): Skylake counts bits 9:0 in units (64 bytes linear, 512 X, 128 Y); Broadwell bits 15:6 in bytes.</summary>
    public const int DspStrideA = 0x70188;

    /// <summary><c>DSPSURF(A)</c> (<c>PLANE_SURF</c>): the surface's graphics-memory address, page aligned.</summary>
    public const int DspSurfA = 0x7019C;

    /// <summary><c>CURCNTR(A)</c>: the cursor mode in bits 5,2:0 (<c>MCURSOR_MODE_MASK</c> 0x27; 0 is disabled).</summary>
    public const int CurCntrA = 0x70080;
    public const uint CursorModeMask = 0x27;

    /// <summary><c>CURBASE(A)</c>: the cursor image's graphics-memory address.</summary>
    public const int CurBaseA = 0x70084;

    /// <summary><c>CURPOS(A)</c>: x in bits 12:0 (sign bit 15), y in bits 28:16 (sign bit 31).</summary>
    public const int CurPosA = 0x70088;

    /// <summary>PVINFO's <c>cursor_x_hot</c> and <c>cursor_y_hot</c>, which the guest driver writes.</summary>
    public const int CursorXHot = 0x78830;
    public const int CursorYHot = 0x78834;
}
