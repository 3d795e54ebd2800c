namespace Mdev.Samples.VfioAp;

/// <summary>The AP configuration a vfio-ap matrix parent sees (<c>struct ap_config_info</c> and the queues bound to <c>vfio_ap</c>).</summary>
public sealed class ApMatrixOptions
{
    /// <summary>The AP extended addressing facility (APXA, the N bit): without it adapter ids stop at 63 and domain ids at 15.</summary>
    public bool Apxa { get; init; } = true;

    /// <summary>The highest adapter id with APXA (<c>Na</c>, "max # of APs - 1"; 255 gives adapters 0 to 255).</summary>
    public int MaxAdapterId { get; init; } = 255;

    /// <summary>The highest domain id with APXA (<c>Nd</c>, "max # of Domains - 1"; 255 gives domains 0 to 255).</summary>
    public int MaxDomainId { get; init; } = 255;

    /// <summary>The AP queues bound to the vfio_ap queue driver, as APQNs <c>adapter.domain</c> in hex (<c>%02x.%04x</c>).</summary>
    public IReadOnlyList<string> Queues { get; init; } = ["05.0047", "05.0048", "06.0047", "06.0048"];
}
