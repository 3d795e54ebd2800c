using System.Buffers.Binary;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The PVINFO page (<c>struct vgt_if</c>, <c>i915_pvinfo.h</c>) at MMIO offset 0x78000: how a guest i915 learns it
/// runs on GVT-g and which GM ranges and fences are its own (ballooning). Filled at creation and at every device-model
/// reset (<c>populate_pvinfo_page</c>). The top half is the host's to write; the guest writes only the bottom half.
/// </summary>
internal static class PvInfo
{
    public const int Offset = 0x78000;
    public const int Size = 0x1000;
    public const int GuestWritableFrom = 0x800;
    public const ulong Magic = 0x4776544776544776UL; // "vGTvGTvG"

    /// <summary><c>VGT_CAPS_FULL_PPGTT | VGT_CAPS_HWSP_EMULATION | VGT_CAPS_HUGE_GTT</c>.</summary>
    public const uint Caps = (1 << 2) | (1 << 3) | (1 << 4);

    /// <summary>Writes the page for <paramref name="vgpu"/> into <paramref name="page"/> (the 4 KiB at <see cref="Offset"/>).</summary>
    public static void Populate(Span<byte> page, VgpuResources vgpu)
    {
        page.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(page, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(page[0x08..], 1); // version_major
        BinaryPrimitives.WriteUInt16LittleEndian(page[0x0a..], 0); // version_minor
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x0c..], (uint)vgpu.Id);
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x10..], Caps);
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x40..], (uint)vgpu.ApertureBase); // avail_rs.mappable_gmadr
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x44..], (uint)vgpu.ApertureSize);
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x48..], (uint)vgpu.HiddenBase); // avail_rs.nonmappable_gmadr
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x4c..], (uint)vgpu.HiddenSize);
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x50..], (uint)vgpu.Config.Fences); // avail_rs.fence_num
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x830..], uint.MaxValue); // cursor_x_hot
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x834..], uint.MaxValue); // cursor_y_hot
    }
}
