using System.Globalization;
using System.Text;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// An mdev's AP matrix (<c>struct ap_matrix</c>): adapters (APM), usage domains (AQM), control domains (ADM) and their
/// highest ids, with the <c>matrix</c> and <c>control_domains</c> output formats.
/// </summary>
internal sealed class ApMatrix(int apmMax, int aqmMax, int admMax)
{
    /// <summary>The highest adapter id (<c>apm_max</c>).</summary>
    public int ApmMax => apmMax;

    /// <summary>The highest usage-domain id (<c>aqm_max</c>).</summary>
    public int AqmMax => aqmMax;

    /// <summary>The highest control-domain id (<c>adm_max</c>).</summary>
    public int AdmMax => admMax;

    /// <summary>The adapter mask.</summary>
    public ApMask Apm { get; } = new();

    /// <summary>The usage-domain mask.</summary>
    public ApMask Aqm { get; } = new();

    /// <summary>The control-domain mask.</summary>
    public ApMask Adm { get; } = new();

    /// <summary><c>vfio_ap_matrix_init</c>: with APXA the limits are <c>Na</c> and <c>Nd</c>, else 63 and 15.</summary>
    /// <param name="options">The AP configuration.</param>
    /// <returns>An empty matrix.</returns>
    public static ApMatrix Create(ApMatrixOptions options) => options.Apxa
        ? new ApMatrix(options.MaxAdapterId, options.MaxDomainId, options.MaxDomainId)
        : new ApMatrix(ApCatalog.MaxAdapterIdWithoutApxa, ApCatalog.MaxDomainIdWithoutApxa, ApCatalog.MaxDomainIdWithoutApxa);

    /// <summary>The assigned adapter ids.</summary>
    public IEnumerable<int> Adapters => Apm.Ids(ApmMax + 1);

    /// <summary>The assigned usage-domain ids.</summary>
    public IEnumerable<int> Domains => Aqm.Ids(AqmMax + 1);

    /// <summary>
    /// <c>matrix_show</c>: one <c>%02lx.%04lx</c> line per APQN, adapter-major; only adapters: <c>%02lx.</c>; only
    /// domains: <c>.%04lx</c>; nothing: empty.
    /// </summary>
    /// <returns>The text.</returns>
    public string ShowMatrix()
    {
        var text = new StringBuilder();
        var adapters = Adapters.ToList();
        var domains = Domains.ToList();
        var c = CultureInfo.InvariantCulture;
        if (adapters.Count > 0 && domains.Count > 0)
        {
            foreach (var apid in adapters)
            {
                foreach (var apqi in domains)
                {
                    text.Append(c, $"{apid:x2}.{apqi:x4}\n");
                }
            }
        }
        else
        {
            adapters.ForEach(apid => text.Append(c, $"{apid:x2}.\n"));
            domains.ForEach(apqi => text.Append(c, $".{apqi:x4}\n"));
        }

        return text.ToString();
    }

    /// <summary><c>control_domains_show</c>: <c>%04lx</c> per control domain.</summary>
    /// <returns>The text.</returns>
    public string ShowControlDomains() =>
        string.Concat(Adm.Ids(AdmMax + 1).Select(id => id.ToString("x4", CultureInfo.InvariantCulture) + "\n"));
}
