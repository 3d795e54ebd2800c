using Mdev.Core.Sysfs;

namespace Mdev.Core;

public sealed partial class MdevCore
{
    /// <summary>
    /// Detaches a device from its driver, as writing its name to <c>/sys/bus/&lt;bus&gt;/drivers/&lt;driver&gt;/unbind</c>
    /// does (<c>device_driver_detach</c>): the driver's remove runs first, which for an mdev parent is
    /// <c>mdev_unregister_parent</c> (every child removed, each waiting for its users; <c>change</c> with
    /// <c>MDEV_STATE=unregistered</c>); then the <c>driver</c> links go and <c>unbind</c> is sent.
    /// </summary>
    /// <param name="device">A device of this core bound to a driver.</param>
    /// <returns>A task that completes when the device is unbound.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> when the device is not bound or was deleted.</exception>
    public async Task DetachDriverAsync(Device device)
    {
        CheckOwn(device);
        await device.BindingLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var driver = device.Driver;
            if (driver is null || device.Bus is null || IsDeleted(device))
            {
                throw new MdevException(Errno.ENODEV, $"unbind {device.Name}: not bound to a driver");
            }

            // The driver's remove: a parent's driver unregisters it from mdev first.
            await UnregisterParentAsync(device).ConfigureAwait(false);
            Sysfs.TryRemove(device.SysfsPath + "/driver");
            Sysfs.TryRemove($"/sys/bus/{device.Bus}/drivers/{driver}/{device.Name}");
            device.Driver = null;
            PublishDeviceUevents([DeviceUevent(UeventAction.Unbind, device, null)]);
            Log.DriverDetached(_logger, device.Name, driver);
        }
        finally
        {
            device.BindingLock.Release();
        }
    }

    /// <summary>
    /// Attaches a device to the driver that matches it, as writing its name to
    /// <c>/sys/bus/&lt;bus&gt;/drivers/&lt;driver&gt;/bind</c> does (<c>device_driver_attach</c>): the <c>driver</c>
    /// links, then the driver's probe, which for a device that was an mdev parent registers it again with the same
    /// vendor callbacks (<c>change</c> with <c>MDEV_STATE=registered</c>), then <c>bind</c>.
    /// </summary>
    /// <param name="device">A device of this core, not bound.</param>
    /// <exception cref="MdevException"><c>EBUSY</c> when it is bound already (<c>__driver_probe_device</c>); <c>ENODEV</c> when no driver matches it or it was deleted; the probe's errno (nothing is left bound).</exception>
    public void AttachDriver(Device device)
    {
        CheckOwn(device);
        device.BindingLock.Wait();
        try
        {
            var driver = device.MatchingDriver;
            if (driver is null || device.Bus is null || IsDeleted(device))
            {
                throw new MdevException(Errno.ENODEV, $"bind {device.Name}: no driver matches it");
            }

            if (device.Driver is not null)
            {
                throw new MdevException(Errno.EBUSY, $"bind {device.Name}: already bound to {device.Driver}");
            }

            // really_probe: driver_sysfs_add, then the probe, then driver_bound's uevent.
            var changes = new SysfsChangeSet(Sysfs);
            try
            {
                changes.Link($"/sys/bus/{device.Bus}/drivers/{driver}/{device.Name}", device.SysfsPath);
                changes.Link(device.SysfsPath + "/driver", $"/sys/bus/{device.Bus}/drivers/{driver}");
                device.Driver = driver;
                if (device.ProbeOps is { } ops)
                {
                    RegisterParent(device, ops);
                }
            }
            catch
            {
                device.Driver = null;
                changes.Rollback();
                throw;
            }

            PublishDeviceUevents([DeviceUevent(UeventAction.Bind, device, driver)]);
            Log.DriverAttached(_logger, device.Name, driver);
        }
        finally
        {
            device.BindingLock.Release();
        }
    }

    /// <summary>A parent bus's driver directory files, once per driver: <c>bind</c>, <c>unbind</c> and <c>uevent</c> (<c>bus_add_driver</c>), and the <c>module</c> link.</summary>
    private void EnsureBusDriverFiles(string bus, string driver)
    {
        var dir = $"/sys/bus/{bus}/drivers/{driver}";
        lock (_treeLock)
        {
            Sysfs.EnsureDirectory(dir);
            if (Sysfs.Exists(dir + "/bind"))
            {
                return;
            }

            Sysfs.AddAttribute(dir + "/unbind", SysfsModes.WriteOnly, null, text => BusDriverStore(bus, driver, text, bind: false));
            Sysfs.AddAttribute(dir + "/bind", SysfsModes.WriteOnly, null, text => BusDriverStore(bus, driver, text, bind: true));
            Sysfs.AddAttribute(dir + "/uevent", SysfsModes.WriteOnly, null, text => SynthesizeUevent(dir[SysfsPath.Root.Length..], "drivers", null, text));

            // module_add_driver: the parent's bus driver lives in a module of its name (kbuild: '-' as '_'), e.g. i915, nvidia, vfio_ccw.
            AddModuleLinks(bus, driver, driver.Replace('-', '_'));
        }
    }

    /// <summary><c>bind_store</c>/<c>unbind_store</c>: <c>bus_find_device_by_name</c> (sysfs_streq: one trailing newline allowed), the driver must match.</summary>
    private void BusDriverStore(string bus, string driver, string text, bool bind)
    {
        var name = text.EndsWith('\n') ? text[..^1] : text;
        Device? device;
        lock (_treeLock)
        {
            device = _treeDevices.Values.FirstOrDefault(d => d.Bus == bus && d.Name == name);
        }

        var verb = bind ? "bind" : "unbind";
        if (device is null)
        {
            throw new MdevException(Errno.ENODEV, $"{verb} on /sys/bus/{bus}/drivers/{driver}: no device '{Printable(name)}' on bus {bus}");
        }

        if (bind)
        {
            if (device.MatchingDriver != driver)
            {
                throw new MdevException(Errno.ENODEV, $"bind {device.Name} to {driver}: the driver does not match the device");
            }

            AttachDriver(device);
        }
        else
        {
            if (device.Driver != driver)
            {
                throw new MdevException(Errno.ENODEV, $"unbind {device.Name} from {driver}: the device is bound to {device.Driver ?? "no driver"}");
            }

            DetachDriverAsync(device).GetAwaiter().GetResult();
        }
    }

    private bool IsDeleted(Device device)
    {
        lock (_treeLock)
        {
            return device.Deleted;
        }
    }
}
