using System.Buffers.Binary;
using Mdev.Core;
using R = Mdev.Samples.I915Gvt.DisplayRegisters;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// <c>vgpu_get_plane_info</c> (gvt/dmabuf.c) over <c>intel_vgpu_decode_primary_plane</c> and
/// <c>intel_vgpu_decode_cursor_plane</c> (gvt/fb_decoder.c), mainline as of 6.12: the plane the guest programmed into
/// the vGPU's display registers. Errors are the kernel's: <c>ENODEV</c> when no pipe or the plane is not enabled (the
/// query then answers 0 and leaves the struct alone), <c>EINVAL</c> for an unknown plane type, pixel format or cursor
/// mode, a surface outside the vGPU's graphics memory or a zero size, <c>EFAULT</c> for an unaligned start or a buffer
/// running out of the vGPU's graphics memory. Not modelled: overlay planes, Broxton, the alpha/sign bits of the cursor.
/// </summary>
internal static class PlaneDecoder
{
    /// <summary>DRM fourccs: <c>XR24</c>, <c>XB24</c>, <c>AR24</c>, <c>XR30</c>, <c>RG16</c>.</summary>
    public const uint Xrgb8888 = 0x34325258;
    public const uint Xbgr8888 = 0x34324258;
    public const uint Argb8888 = 0x34325241;
    public const uint Xrgb2101010 = 0x30335258;
    public const uint Rgb565 = 0x36314752;

    /// <summary><c>I915_FORMAT_MOD_X_TILED</c>, <c>_Y_TILED</c>, <c>_Yf_TILED</c> (<c>fourcc_mod_code(INTEL, 1..3)</c>).</summary>
    public const ulong ModXTiled = (1UL << 56) | 1;
    public const ulong ModYTiled = (1UL << 56) | 2;
    public const ulong ModYfTiled = (1UL << 56) | 3;

    private const ulong PageMask = ~0xfffUL;

    public static FramebufferInfo Decode(ReadOnlySpan<byte> mmio, Func<ulong, ulong> gmaToGpa, VgpuResources vgpu, int graphicsVersion, uint planeType)
    {
        uint tileHeight = 1;
        FramebufferInfo info;
        if (planeType == Mdev.Vfio.VfioGfxPlaneInfo.PlaneTypePrimary)
        {
            int pipe = ActivePipe(mmio);
            uint ctl = Reg(mmio, R.DspCntrA + (pipe * R.PipeStride));
            if ((ctl & R.PlaneEnable) == 0)
            {
                throw new MdevException(Errno.ENODEV, "query plane: the primary plane is not enabled");
            }

            var (format, bpp, tiled, mod) = graphicsVersion >= 9 ? SklFormat(ctl) : BdwFormat(ctl);
            tileHeight = mod switch { ModXTiled => 8, ModYTiled or ModYfTiled => 32, _ => 1 };
            ulong start = Reg(mmio, R.DspSurfA + (pipe * R.PipeStride)) & PageMask;
            if (!vgpu.Owns(start))
            {
                throw new MdevException(Errno.EINVAL, $"query plane: primary surface 0x{start:x} is not in the vGPU's graphics memory");
            }

            uint src = Reg(mmio, R.PipeSrcA + (pipe * R.PipeStride));
            info = new FramebufferInfo(start, gmaToGpa(start), 0, mod, format, (src >> 16) + 1, (src & 0xffff) + 1,
                Stride(Reg(mmio, R.DspStrideA + (pipe * R.PipeStride)), graphicsVersion, tiled, bpp), 0, 0, 0, 0);
        }
        else if (planeType == Mdev.Vfio.VfioGfxPlaneInfo.PlaneTypeCursor)
        {
            int pipe = ActivePipe(mmio);
            uint mode = Reg(mmio, R.CurCntrA + (pipe * R.PipeStride)) & R.CursorModeMask;
            if (mode == 0)
            {
                throw new MdevException(Errno.ENODEV, "query plane: the cursor is disabled");
            }

            uint side = mode switch
            {
                0x22 => 128,
                0x23 => 256,
                0x27 or 0x07 => 64,
                _ => throw new MdevException(Errno.EINVAL, $"query plane: cursor mode 0x{mode:x} is not supported"),
            };
            ulong start = Reg(mmio, R.CurBaseA + (pipe * R.PipeStride)) & PageMask;
            if (!vgpu.Owns(start))
            {
                throw new MdevException(Errno.EINVAL, $"query plane: cursor base 0x{start:x} is not in the vGPU's graphics memory");
            }

            uint pos = Reg(mmio, R.CurPosA + (pipe * R.PipeStride));
            uint xHot = Reg(mmio, R.CursorXHot), yHot = Reg(mmio, R.CursorYHot);
            bool hotValid = xHot <= side && yHot <= side; // validate_hotspot
            info = new FramebufferInfo(start, gmaToGpa(start), 0, 0, Argb8888, side, side, side * 4, pos & 0x1fff, (pos >> 16) & 0x1fff,
                hotValid ? xHot : uint.MaxValue, hotValid ? yHot : uint.MaxValue);
        }
        else
        {
            throw new MdevException(Errno.EINVAL, $"query plane: invalid plane id {planeType}");
        }

        uint size = info.Stride * ((info.Height + tileHeight - 1) / tileHeight * tileHeight);
        if (size == 0)
        {
            throw new MdevException(Errno.EINVAL, "query plane: the framebuffer size is zero");
        }

        if ((info.Start & 0xfff) != 0)
        {
            throw new MdevException(Errno.EFAULT, $"query plane: framebuffer 0x{info.Start:x} is not page aligned");
        }

        // intel_gvt_ggtt_validate_range: the whole buffer in the vGPU's graphics memory.
        if (!vgpu.Owns(info.Start + size - 1))
        {
            throw new MdevException(Errno.EFAULT, $"query plane: framebuffer [0x{info.Start:x}, +0x{size:x}) runs out of the vGPU's graphics memory");
        }

        return info with { Size = size };
    }

    /// <summary><c>get_active_pipe</c>: the first of pipes A, B, C whose <c>PIPECONF</c> is enabled; none is <c>ENODEV</c>.</summary>
    private static int ActivePipe(ReadOnlySpan<byte> mmio)
    {
        for (int pipe = 0; pipe < 3; pipe++)
        {
            if ((Reg(mmio, R.PipeConfA + (pipe * R.PipeStride)) & R.PipeConfEnable) != 0)
            {
                return pipe;
            }
        }

        throw new MdevException(Errno.ENODEV, "query plane: no pipe is enabled");
    }

    /// <summary>Skylake's <c>skl_format_to_drm</c> for the formats the sample knows; the tiling as <c>vgpu_get_plane_info</c> maps it.</summary>
    private static (uint Format, int Bpp, uint Tiled, ulong Mod) SklFormat(uint ctl)
    {
        var (format, bpp) = ((ctl & R.SklFormatMask) >> R.SklFormatShift) switch
        {
            0x4 => ((ctl & R.SklOrderRgbx) != 0 ? Xbgr8888 : Xrgb8888, 32),
            0x2 => (Xrgb2101010, 32),
            0xe => (Rgb565, 16),
            var other => throw new MdevException(Errno.EINVAL, $"query plane: pixel format 0x{other:x} is not supported"),
        };
        uint tiled = (ctl & R.SklTiledMask) >> R.SklTiledShift;

        // An unknown tiling mode is only logged by the kernel ("invalid tiling mode"): the modifier stays linear.
        ulong mod = tiled switch { 1 => ModXTiled, 4 => ModYTiled, 5 => ModYfTiled, _ => 0 };
        return (format, bpp, tiled, mod);
    }

    /// <summary>
    /// Broadwell's <c>bdw_format_to_drm</c> for the formats the sample knows. The tiled bit becomes <c>tiled = 1</c>,
    /// which <c>vgpu_get_plane_info</c>'s switch on the Skylake <c>PLANE_CTL_TILED_*</c> values does not know: the
    /// kernel logs "invalid tiling mode" and reports a linear modifier with a tile height of 1, and so does the model.
    /// </summary>
    private static (uint Format, int Bpp, uint Tiled, ulong Mod) BdwFormat(uint ctl)
    {
        var (format, bpp) = ((ctl & R.BdwFormatMask) >> R.BdwFormatShift) switch
        {
            0x6 => (Xrgb8888, 32),
            0xe => (Xbgr8888, 32),
            0xa => (Xrgb2101010, 32),
            0x5 => (Rgb565, 16),
            var other => throw new MdevException(Errno.EINVAL, $"query plane: pixel format 0x{other:x} is not supported"),
        };
        return (format, bpp, (ctl & R.BdwTiled) != 0 ? 1u : 0u, 0);
    }

    /// <summary><c>intel_vgpu_get_stride</c>: Skylake counts units by tiling; Broadwell's register is bytes (bits 15:6).</summary>
    private static uint Stride(uint register, int graphicsVersion, uint tiled, int bpp)
    {
        if (graphicsVersion < 9)
        {
            return register & (0x3ffu << 6);
        }

        uint units = register & 0x3ff;
        return tiled switch
        {
            0 => units * 64,
            1 => units * 512,
            4 => units * 128,
            5 => bpp == 8 ? units * 64 : units * 128,
            _ => units,
        };
    }

    private static uint Reg(ReadOnlySpan<byte> mmio, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(mmio[offset..]);
}
