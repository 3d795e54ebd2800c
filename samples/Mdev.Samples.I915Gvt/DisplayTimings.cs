namespace Mdev.Samples.I915Gvt;

/// <summary>
/// A virtual monitor's preferred mode, as its EDID's first detailed timing descriptor carries it. Blanking is
/// front porch + sync + back porch; sizes of the picture in millimetres.
/// </summary>
internal sealed record DisplayTiming(
    int Width,
    int Height,
    int PixelClockKHz,
    int HBlank,
    int HFrontPorch,
    int HSync,
    int VBlank,
    int VFrontPorch,
    int VSync,
    bool HSyncPositive,
    bool VSyncPositive,
    int WidthMm,
    int HeightMm);

/// <summary>
/// The modes of GVT-g's two virtual monitors (<c>GVT_EDID_1024_768</c>, <c>GVT_EDID_1920_1200</c>), keyed by the
/// resolution string of the vGPU config table. Timings are the VESA DMT ones at 60 Hz (1920x1200 with reduced
/// blanking); physical sizes are a 15" 4:3 and a 24" 16:10 panel. These are the sample's own values, not a copy of
/// the kernel's <c>virtual_dp_monitor_edid[]</c> blobs.
/// </summary>
internal static class DisplayTimings
{
    public static IReadOnlyDictionary<string, DisplayTiming> ByResolution { get; } = new Dictionary<string, DisplayTiming>(StringComparer.Ordinal)
    {
        ["1024x768"] = new(1024, 768, 65_000, 320, 24, 136, 38, 3, 6, HSyncPositive: false, VSyncPositive: false, 304, 228),
        ["1920x1200"] = new(1920, 1200, 154_000, 160, 48, 32, 35, 3, 6, HSyncPositive: true, VSyncPositive: false, 518, 324),
    };
}
