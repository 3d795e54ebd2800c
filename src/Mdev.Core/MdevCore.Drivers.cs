using Mdev.Core.Sysfs;

namespace Mdev.Core;

public sealed partial class MdevCore
{
    private readonly Lock _driverLock = new();
    private readonly List<MdevDriver> _drivers = [];

    /// <summary>The registered mdev bus drivers, in registration order.</summary>
    public IReadOnlyList<MdevDriver> Drivers
    {
        get
        {
            lock (_driverLock)
            {
                return _drivers.ToArray();
            }
        }
    }

    /// <summary>
    /// Registers a driver on the mdev bus (<c>mdev_register_driver</c>): <c>/sys/bus/mdev/drivers/&lt;name&gt;</c> appears
    /// and unbound devices it matches are probed (a probe failure there leaves the device unbound, as
    /// <c>driver_attach</c> does).
    /// </summary>
    /// <param name="driver">The driver.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a missing driver or bad name; <c>EBUSY</c> when a driver of that name is registered (<c>driver_register</c>).</exception>
    public void RegisterDriver(MdevDriver driver)
    {
        if (driver is null || !SysfsPath.IsValidName(driver.Name))
        {
            throw new MdevException(Errno.EINVAL, "register mdev driver: a driver with a valid name is mandatory");
        }

        lock (_driverLock)
        {
            if (_drivers.Any(d => d.Name == driver.Name))
            {
                throw new MdevException(Errno.EBUSY, $"register mdev driver: driver '{driver.Name}' is already registered");
            }

            _drivers.Add(driver);
            if (Options.MdevLoaded)
            {
                AddDriverFiles(driver);
            }
        }

        // Modern mdev_match never matches (drivers bind only through the explicit device_driver_attach at create), so a
        // driver registered later binds nothing; 2016's bus had no match op, and bus_add_driver's driver_attach bound
        // every unbound device, but only while drivers_autoprobe is 1.
        if (Options.RemovePolicy != RemovePolicy.Legacy2016 || !_driversAutoprobe)
        {
            return;
        }

        foreach (var mdev in Devices)
        {
            if (mdev.Driver is not null || DriverFor(mdev.Parent) != driver)
            {
                continue;
            }

            try
            {
                Bind(mdev, driver);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.DriverProbeFailed(_logger, ex, mdev.Name, driver.Name);
            }
        }
    }

    /// <summary>
    /// Unregisters a bus driver: every device bound to it is unbound (waiting, as the VFIO driver's remove does, until
    /// its users release it) and stays, unbound. Not registered is a no-op.
    /// </summary>
    /// <param name="driver">The driver.</param>
    /// <returns>A task that completes when every device is unbound.</returns>
    public async Task UnregisterDriverAsync(MdevDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        lock (_driverLock)
        {
            if (!_drivers.Remove(driver))
            {
                return;
            }
        }

        MdevDevice[] bound;
        lock (_mdevListLock)
        {
            bound = _mdevs.Values.Where(d => d.Driver == driver).ToArray();
        }

        foreach (var mdev in bound)
        {
            // The VFIO driver's remove waits for the device's users; new opens fail meanwhile.
            mdev.BlockOpens();
            try
            {
                await WaitForReleaseAsync(mdev, CancellationToken.None).ConfigureAwait(false);
                Unbind(mdev);
            }
            finally
            {
                mdev.UnblockOpens();
            }
        }

        lock (_driverLock)
        {
            if (!_drivers.Any(d => d.Name == driver.Name))
            {
                // module_remove_driver, then the driver's kobject.
                RemoveModuleLinks(BusName, driver.Name, driver.ModuleName);
                Sysfs.TryRemove(BusPath + "/drivers/" + driver.Name);
            }
        }
    }

    /// <summary>
    /// <c>subsys_private.drivers_autoprobe</c>: whether a device added to the bus and a driver registered on it are
    /// matched at once (<c>bus_probe_device</c>, <c>bus_add_driver</c>). Only the 2016 policy ever reads it: the modern
    /// core binds by the explicit <c>device_driver_attach</c> at create and <c>mdev_match</c> never matches. A plain
    /// bool, read and written without a lock (the kernel's is a plain bitfield too).
    /// </summary>
    private volatile bool _driversAutoprobe = true;

    /// <summary>
    /// The bus's own files (bus_add / bus_create_file, mainline bus.c as of 6.12): <c>drivers_autoprobe</c> (0644,
    /// "1\n"; <c>drivers_autoprobe_store</c> looks only at the first byte: '0' turns it off, anything else, even an empty
    /// write, on; it never fails), <c>drivers_probe</c> (0200: a device name, <c>ENODEV</c> when there is none; under the
    /// 2016 policy an unbound device is bound as <c>bus_rescan_devices_helper</c> → <c>device_attach</c> does, under the
    /// modern one nothing binds, as mdev_match never matches) and <c>uevent</c> (0200: kobject_synth_uevent on the bus,
    /// SUBSYSTEM=bus).
    /// </summary>
    private void AddBusFiles()
    {
        Sysfs.AddAttribute(BusPath + "/drivers_autoprobe", SysfsModes.ReadWrite, () => _driversAutoprobe ? "1\n" : "0\n", text => _driversAutoprobe = !text.StartsWith('0'));
        Sysfs.AddAttribute(BusPath + "/drivers_probe", SysfsModes.WriteOnly, null, text =>
        {
            var mdev = FindByName(text) ?? throw new MdevException(Errno.ENODEV, $"{BusPath}/drivers_probe: no device '{text.TrimEnd('\n')}' on the bus");
            if (Options.RemovePolicy == RemovePolicy.Legacy2016 && mdev.Driver is null && DriverFor(mdev.Parent) is { } driver)
            {
                // device_attach ignores drivers_autoprobe; a failed probe leaves the device unbound and the write succeeds.
                try
                {
                    Bind(mdev, driver);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.DriverProbeFailed(_logger, ex, mdev.Name, driver.Name);
                }
            }
        });
        Sysfs.AddAttribute(BusPath + "/uevent", SysfsModes.WriteOnly, null, text => SynthesizeUevent("/bus/" + BusName, "bus", null, text));
    }

    /// <summary>
    /// A driver directory's files (driver_add_files and the bus's bind/unbind): <c>bind</c>, <c>unbind</c>, <c>uevent</c>
    /// (each 0200). <c>bind</c> is <c>ENODEV</c> under the modern policy (driver_match_device fails: mdev_match never
    /// matches); under 2016's it binds an unbound device of the name. <c>unbind</c> of a device bound to this driver
    /// releases it (device_release_driver: the driver's remove, waiting for users as VFIO's does; an unbind uevent),
    /// else <c>ENODEV</c>.
    /// </summary>
    private void AddDriverFiles(MdevDriver driver)
    {
        var dir = BusPath + "/drivers/" + driver.Name;
        Sysfs.EnsureDirectory(dir);
        Sysfs.AddAttribute(dir + "/bind", SysfsModes.WriteOnly, null, text => BindStore(driver, text));
        Sysfs.AddAttribute(dir + "/unbind", SysfsModes.WriteOnly, null, text => UnbindStore(driver, text));
        Sysfs.AddAttribute(dir + "/uevent", SysfsModes.WriteOnly, null, text => SynthesizeUevent(dir[SysfsPath.Root.Length..], "drivers", null, text));
        AddModuleLinks(BusName, driver.Name, driver.ModuleName);
    }

    /// <summary><c>bus_find_device_by_name</c>: the buffer as written, one trailing newline dropped (sysfs_streq).</summary>
    private MdevDevice? FindByName(string text) =>
        Devices.FirstOrDefault(d => d.State == MdevDeviceState.Active && KernelText.SysfsStreq(text, d.Name));

    private void BindStore(MdevDriver driver, string text)
    {
        var mdev = FindByName(text);
        if (mdev is null || Options.RemovePolicy != RemovePolicy.Legacy2016 || mdev.Driver is not null)
        {
            throw new MdevException(Errno.ENODEV, $"{BusPath}/drivers/{driver.Name}/bind: '{text.TrimEnd('\n')}' {(mdev is null ? "is no device on the bus" : "does not match the driver (mdev_match)")}");
        }

        if (Bind(mdev, driver))
        {
            _uevents.Publish(new PendingUevent(UeventAction.Bind, mdev.DevPath, BusName, driver.Name));
        }
    }

    private void UnbindStore(MdevDriver driver, string text)
    {
        var mdev = FindByName(text);
        if (mdev is null || mdev.Driver != driver)
        {
            throw new MdevException(Errno.ENODEV, $"{BusPath}/drivers/{driver.Name}/unbind: '{text.TrimEnd('\n')}' is not bound to {driver.Name}");
        }

        mdev.BlockOpens();
        try
        {
            WaitForReleaseAsync(mdev, CancellationToken.None).GetAwaiter().GetResult();
            Unbind(mdev); // publishes unbind itself, under the binding lock
        }
        finally
        {
            mdev.UnblockOpens();
        }
    }

    /// <summary>Synchronous <see cref="UnregisterDriverAsync"/>.</summary>
    /// <param name="driver">The driver.</param>
    public void UnregisterDriver(MdevDriver driver) => UnregisterDriverAsync(driver).GetAwaiter().GetResult();

    /// <summary>The driver a parent's devices bind to: the one it names, else the first registered.</summary>
    private MdevDriver? DriverFor(MdevParent parent)
    {
        var wanted = parent.Ops.DriverName;
        lock (_driverLock)
        {
            return wanted is null ? _drivers.FirstOrDefault() : _drivers.FirstOrDefault(d => d.Name == wanted);
        }
    }

    /// <summary>
    /// Sends a new device's first uevents under its binding lock (<c>device_lock</c>): <c>add</c>, then what its probe
    /// sent meanwhile (<see cref="MdevDevice.HeldUevents"/>: the VFIO group's and <c>vfio-dev</c>'s <c>add</c>), then
    /// <c>bind</c> when it is bound at this moment, as the kernel's device_add, probe and driver_bound order them. From here on <see cref="Bind"/> and <see cref="Unbind"/> send their own events under
    /// that lock, so a device's stream is always add (bind unbind)* remove, whatever races with the create.
    /// </summary>
    private void Announce(MdevDevice mdev)
    {
        lock (mdev.BindLock)
        {
            // The kernel's order: the mdev's add (device_add), what the probe made (vfio/N, vfio-dev/vfioX), then bind.
            var batch = new List<PendingUevent> { new(UeventAction.Add, mdev.DevPath, BusName) };
            if (mdev.HeldUevents is { } held)
            {
                batch.AddRange(held);
                mdev.HeldUevents = null;
            }

            if (mdev.Driver is { } driver)
            {
                batch.Add(new PendingUevent(UeventAction.Bind, mdev.DevPath, BusName, driver.Name));
            }

            _uevents.Publish(batch);
            mdev.Announced = true;
        }
    }

    /// <summary>
    /// <c>really_probe</c>: links first, <c>dev-&gt;driver</c> set, then probe; a failed probe undoes both. Returns false,
    /// binding nothing, when the device is being torn down or the driver was unregistered meanwhile. Sends <c>bind</c>
    /// (<c>driver_bound</c>, under <c>device_lock</c>) once the device's <c>add</c> is out.
    /// </summary>
    private bool Bind(MdevDevice mdev, MdevDriver driver)
    {
        lock (mdev.BindLock)
        {
            if (mdev.TearingDown || mdev.Driver is not null || mdev.State is MdevDeviceState.Removing or MdevDeviceState.Gone)
            {
                return false;
            }

            lock (_driverLock)
            {
                if (!_drivers.Contains(driver))
                {
                    return false;
                }

                mdev.Driver = driver;
            }

            var driverDir = driver.BusDirectory ??= BusPath + "/drivers/" + driver.Name;
            var changes = new SysfsChangeSet(Sysfs);
            try
            {
                changes.Link(driverDir + "/" + mdev.Name, mdev.SysfsPath, mdev.Name);
                changes.Link(mdev.SysfsPath + "/driver", driverDir);
                using (_uevents.Capture(mdev.Announced ? null : mdev.HeldUevents ??= []))
                {
                    driver.Probe(mdev);
                }

                if (mdev.Announced)
                {
                    _uevents.Publish(new PendingUevent(UeventAction.Bind, mdev.DevPath, BusName, driver.Name));
                }

                return true;
            }
            catch
            {
                mdev.Driver = null;
                changes.Rollback();
                throw;
            }
        }
    }

    /// <summary>
    /// Unbinds when bound: the driver's Remove (failure logged), then the links, then <c>unbind</c> still under the
    /// binding lock (<c>device_release_driver</c> under <c>device_lock</c>), once the device's <c>add</c> is out, so it
    /// always precedes the device's <c>remove</c>. Returns whether it was bound.
    /// </summary>
    private bool Unbind(MdevDevice mdev)
    {
        lock (mdev.BindLock)
        {
            var driver = mdev.Driver;
            if (driver is null)
            {
                return false;
            }

            try
            {
                using (_uevents.Capture(mdev.Announced ? null : mdev.HeldUevents ??= []))
                {
                    driver.Remove(mdev);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.DriverRemoveFailed(_logger, ex, mdev.Name, driver.Name);
            }

            Sysfs.TryRemove(mdev.SysfsPath + "/driver");
            Sysfs.TryRemove(BusPath + "/drivers/" + driver.Name + "/" + mdev.Name);
            mdev.Driver = null;
            if (mdev.Announced)
            {
                _uevents.Publish(new PendingUevent(UeventAction.Unbind, mdev.DevPath, BusName));
            }

            return true;
        }
    }
}
