using Mdev.Core;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// The per-mdev sysfs attributes (<c>vfio_ap_mdev_attrs</c>, in the kernel's order): assign/unassign of adapters,
/// domains and control domains (write-only) and <c>control_domains</c>, <c>matrix</c> (read-only). Each store checks, in
/// order: a guest uses the matrix (<c>EBUSY</c>), <c>kstrtoul</c> base 0 (<c>EINVAL</c>, <c>ERANGE</c>), the id's limit
/// (<c>ENODEV</c>); assigning an adapter or domain then needs bound queues (<c>EADDRNOTAVAIL</c>) and no APQN shared with
/// another mdev (<c>EADDRINUSE</c>, the bit rolled back).
/// </summary>
internal static class ApAttributes
{
    public static AttributeGroup<MdevDevice> Group(ApMatrixDevice dev) => new(null,
    [
        MdevAttribute<MdevDevice>.WriteOnly("assign_adapter", (mdev, text) => AssignAdapter(dev, Of(mdev), text)),
        MdevAttribute<MdevDevice>.WriteOnly("unassign_adapter", (mdev, text) => Unassign(dev, Of(mdev), text, "adapter", m => m.ApmMax, m => m.Apm)),
        MdevAttribute<MdevDevice>.WriteOnly("assign_domain", (mdev, text) => AssignDomain(dev, Of(mdev), text)),
        MdevAttribute<MdevDevice>.WriteOnly("unassign_domain", (mdev, text) => Unassign(dev, Of(mdev), text, "domain", m => m.AqmMax, m => m.Aqm)),
        MdevAttribute<MdevDevice>.WriteOnly("assign_control_domain", (mdev, text) => AssignControlDomain(dev, Of(mdev), text)),
        MdevAttribute<MdevDevice>.WriteOnly("unassign_control_domain", (mdev, text) => Unassign(dev, Of(mdev), text, "control domain", m => m.AdmMax, m => m.Adm)),
        MdevAttribute<MdevDevice>.ReadOnly("control_domains", mdev => Show(dev, m => m.ShowControlDomains(), Of(mdev))),
        MdevAttribute<MdevDevice>.ReadOnly("matrix", mdev => Show(dev, m => m.ShowMatrix(), Of(mdev))),
    ]);

    /// <summary><c>assign_adapter_store</c>: with no domain assigned some queue of the adapter must be bound, else every (adapter, domain).</summary>
    private static void AssignAdapter(ApMatrixDevice dev, ApMatrixMdev m, string text)
    {
        lock (dev.Lock)
        {
            int apid = ParseId(m, text, "adapter", m.Matrix.ApmMax);
            var domains = m.Matrix.Domains.ToList();
            if (domains.Count == 0)
            {
                dev.VerifyQueueReserved(m, apid, null);
            }

            domains.ForEach(apqi => dev.VerifyQueueReserved(m, apid, apqi));
            SetAndVerify(dev, m, m.Matrix.Apm, apid);
        }
    }

    /// <summary><c>assign_domain_store</c>: the mirror image of <see cref="AssignAdapter"/>.</summary>
    private static void AssignDomain(ApMatrixDevice dev, ApMatrixMdev m, string text)
    {
        lock (dev.Lock)
        {
            int apqi = ParseId(m, text, "domain", m.Matrix.AqmMax);
            var adapters = m.Matrix.Adapters.ToList();
            if (adapters.Count == 0)
            {
                dev.VerifyQueueReserved(m, null, apqi);
            }

            adapters.ForEach(apid => dev.VerifyQueueReserved(m, apid, apqi));
            SetAndVerify(dev, m, m.Matrix.Aqm, apqi);
        }
    }

    /// <summary><c>assign_control_domain_store</c>: only the range is checked.</summary>
    private static void AssignControlDomain(ApMatrixDevice dev, ApMatrixMdev m, string text)
    {
        lock (dev.Lock)
        {
            m.Matrix.Adm.Set(ParseId(m, text, "control domain", m.Matrix.AdmMax));
        }
    }

    /// <summary>The three unassign stores: the range, then the bit is cleared.</summary>
    private static void Unassign(ApMatrixDevice dev, ApMatrixMdev m, string text, string what, Func<ApMatrix, int> max, Func<ApMatrix, ApMask> mask)
    {
        lock (dev.Lock)
        {
            mask(m.Matrix).Clear(ParseId(m, text, what, max(m.Matrix)));
        }
    }

    private static string Show(ApMatrixDevice dev, Func<ApMatrix, string> show, ApMatrixMdev m)
    {
        lock (dev.Lock)
        {
            return show(m.Matrix);
        }
    }

    private static void SetAndVerify(ApMatrixDevice dev, ApMatrixMdev m, ApMask mask, int id)
    {
        mask.Set(id);
        try
        {
            dev.VerifyNoSharing(m);
        }
        catch (MdevException)
        {
            mask.Clear(id);
            throw;
        }
    }

    /// <summary>The common prefix of every store: in use, number, limit.</summary>
    private static int ParseId(ApMatrixMdev m, string text, string what, int max)
    {
        if (m.InUse)
        {
            throw new MdevException(Errno.EBUSY, $"{m.Device.Name}: the {what} assignment cannot change while a guest uses the matrix");
        }

        var errno = KernelText.ParseUnsignedLong(text, out var id);
        if (errno != 0)
        {
            throw new MdevException(errno, $"{m.Device.Name} {what}: '{text.TrimEnd('\n')}' is not a number (kstrtoul)");
        }

        return id <= (ulong)max
            ? (int)id
            : throw new MdevException(Errno.ENODEV, $"{m.Device.Name}: {what} {id} is above the highest id {max}");
    }

    private static ApMatrixMdev Of(MdevDevice mdev) =>
        mdev.DriverData as ApMatrixMdev ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: not a vfio-ap device");
}
