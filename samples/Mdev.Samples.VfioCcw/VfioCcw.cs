using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The s390 vfio-ccw vendor driver: an I/O subchannel on the css bus bound to <c>vfio_ccw</c>, offering the type
/// <c>vfio_ccw-io</c> ("I/O subchannel (Non-QDIO)", one instance) whose device runs guest channel programs.
/// </summary>
public static class VfioCcw
{
    /// <summary>
    /// Adds the subchannel at <c>/sys/devices/css0/&lt;schid&gt;</c> (bus <c>css</c>, driver <c>vfio_ccw</c>), registers the
    /// mdev driver <c>vfio_ccw_mdev</c> when it is not yet registered, and registers the subchannel as a parent.
    /// </summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">Its VFIO stack.</param>
    /// <param name="options">The subchannel; null for 0.0.0313, operational, device 0x2b09, CHPIDs 0x50 and 0x51.</param>
    /// <returns>The parent.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad id or path list; <c>ENODEV</c> for a QDIO subchannel; the core's errno (e.g. <c>EEXIST</c>). Nothing is left behind.</exception>
    public static MdevParent Register(MdevCore core, VfioModule vfio, CcwSubchannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        options ??= new CcwSubchannelOptions();
        var id = SubchannelId.Parse(options.SubchannelId);
        if (options.Chpids is not { Count: >= 1 and <= 8 })
        {
            throw new MdevException(Errno.EINVAL, $"vfio-ccw subchannel {id}: 1 to 8 channel paths are needed");
        }

        if (options.Qdio)
        {
            throw new MdevException(Errno.ENODEV, $"vfio_ccw probe of subchannel {id}: QDIO is not supported");
        }

        var subchannel = new Subchannel(id, options.DeviceNumber, [.. options.Chpids], core.Options.TimeProvider, options.InterruptLatency);
        var state = options.State == CcwSubchannelState.Operational ? CcwFsmState.Standby : CcwFsmState.NotOper;
        var ops = new CcwParentOps(new CcwPrivate(subchannel, state));

        // The channel subsystem css0 (a device with no bus) stays once added, as in the kernel.
        EnsureRootDevice(core, CcwCatalog.ChannelSubsystemPath);
        var device = core.AddDevice($"{CcwCatalog.ChannelSubsystemPath}/{id}", new CssSubchannelKind(subchannel).Create(), CcwCatalog.Bus, CcwCatalog.CssDriver);
        try
        {
            RegisterMdevDriver(vfio);

            return core.RegisterParent(device, ops);
        }
        catch
        {
            core.DeleteDeviceAsync(device).GetAwaiter().GetResult();
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
            // Added by another subchannel meanwhile.
        }
    }

    /// <summary>One <c>vfio_ccw_mdev</c> driver serves every subchannel: an earlier registration is kept.</summary>
    private static void RegisterMdevDriver(VfioModule vfio)
    {
        try
        {
            vfio.RegisterVendorDriver(CcwCatalog.MdevDriver, CcwCatalog.Module);
        }
        catch (MdevException ex) when (ex.Errno == Errno.EBUSY)
        {
            // Registered by an earlier subchannel.
        }
    }
}
