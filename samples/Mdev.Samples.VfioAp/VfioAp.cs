using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// The s390 vfio-ap vendor driver: the matrix device <c>/sys/devices/vfio_ap/matrix</c> offering the type
/// <c>vfio_ap-passthrough</c> ("VFIO AP Passthrough Device"), whose devices get their adapters and domains through
/// sysfs attributes from the AP queues bound to vfio_ap.
/// </summary>
public static class VfioAp
{
    /// <summary>
    /// Adds the AP queues bound to vfio_ap (<c>/sys/devices/ap/card&lt;xx&gt;/&lt;apqn&gt;</c>, bus <c>ap</c>) and the matrix
    /// device (bus <c>matrix</c>, driver <c>vfio_ap</c>), registers the mdev driver <c>vfio_ap_mdev</c> when it is not yet
    /// registered, and registers the matrix device as a parent.
    /// </summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">Its VFIO stack.</param>
    /// <param name="options">The AP configuration; null for APXA with ids up to 255 and queues 05.0047, 05.0048, 06.0047, 06.0048.</param>
    /// <returns>The parent.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad limit or APQN; the core's errno (e.g. <c>EEXIST</c> for a second matrix). Nothing is left behind.</exception>
    public static MdevParent Register(MdevCore core, VfioModule vfio, ApMatrixOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        options ??= new ApMatrixOptions();
        if (options.MaxAdapterId is < 0 or >= ApCatalog.MaskBits || options.MaxDomainId is < 0 or >= ApCatalog.MaskBits)
        {
            throw new MdevException(Errno.EINVAL, $"vfio-ap matrix: the highest adapter and domain ids must be 0 to 255 (Na {options.MaxAdapterId}, Nd {options.MaxDomainId})");
        }

        var queues = (options.Queues ?? []).Select(ApQueueId.Parse).ToHashSet();
        var added = new List<Device>();
        try
        {
            // The roots /sys/devices/ap and /sys/devices/vfio_ap (root_device_register) stay once added, as in the kernel.
            EnsureRootDevice(core, ApCatalog.ApDevicesPath);
            foreach (var q in queues.OrderBy(q => q.Apid).ThenBy(q => q.Apqi))
            {
                var card = $"{ApCatalog.ApDevicesPath}/card{q.Apid:x2}";
                if (core.FindTreeDevice(card) is null)
                {
                    added.Add(core.AddDevice(card, ApDeviceKinds.Card, ApCatalog.ApBus, ApDeviceKinds.CardDriver));
                }

                added.Add(core.AddDevice($"{card}/{q}", ApDeviceKinds.Queue, ApCatalog.ApBus, ApCatalog.Driver));
            }

            EnsureRootDevice(core, ApCatalog.MatrixPath[..ApCatalog.MatrixPath.LastIndexOf('/')]);
            var matrix = core.AddDevice(ApCatalog.MatrixPath, bus: ApCatalog.MatrixBus, driver: ApCatalog.Driver);
            added.Add(matrix);
            RegisterMdevDriver(vfio);
            return core.RegisterParent(matrix, new ApParentOps(new ApMatrixDevice(options, queues)));
        }
        catch
        {
            foreach (var device in Enumerable.Reverse(added))
            {
                core.DeleteDeviceAsync(device).GetAwaiter().GetResult();
            }

            throw;
        }
    }

    /// <summary>Adds a root device (no bus, no class: <c>uevent</c> reads empty, no uevents) unless it is there.</summary>
    private static void EnsureRootDevice(MdevCore core, string path)
    {
        if (core.FindTreeDevice(path) is not null || core.Sysfs.Exists(path))
        {
            return;
        }

        try
        {
            core.AddDevice(path);
        }
        catch (MdevException ex) when (ex.Errno == Errno.EEXIST)
        {
            // Added meanwhile.
        }
    }

    /// <summary>Registers <c>vfio_ap_mdev</c>, keeping one an earlier attempt left registered.</summary>
    private static void RegisterMdevDriver(VfioModule vfio)
    {
        try
        {
            vfio.RegisterVendorDriver(ApCatalog.MdevDriver, ApCatalog.Module);
        }
        catch (MdevException ex) when (ex.Errno == Errno.EBUSY)
        {
            // Registered already.
        }
    }
}
