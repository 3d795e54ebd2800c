namespace Mdev.Samples.I915Gvt;

/// <summary>
/// <c>struct intel_vgpu_fb_info</c>: a decoded plane. <see cref="Start"/> is its graphics-memory address,
/// <see cref="StartGpa"/> the guest-physical address its first GGTT entry gives; the first seven fields are what
/// <c>pick_dmabuf_by_info</c> compares.
/// </summary>
internal readonly record struct FramebufferInfo(
    ulong Start,
    ulong StartGpa,
    uint Size,
    ulong DrmFormatMod,
    uint DrmFormat,
    uint Width,
    uint Height,
    uint Stride,
    uint XPos,
    uint YPos,
    uint XHot,
    uint YHot)
{
    /// <summary><c>pick_dmabuf_by_info</c>'s comparison: start, start_gpa, size, modifier, format, width, height.</summary>
    public bool SameBuffer(FramebufferInfo other) =>
        Start == other.Start && StartGpa == other.StartGpa && Size == other.Size && DrmFormatMod == other.DrmFormatMod &&
        DrmFormat == other.DrmFormat && Width == other.Width && Height == other.Height;
}
