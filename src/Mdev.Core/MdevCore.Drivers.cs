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
                Sysfs.EnsureDirectory(BusPath + "/drivers/" + driver.Name);
            }
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
                Sysfs.TryRemove(BusPath + "/drivers/" + driver.Name);
            }
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
    /// Sends a new device's first uevents under its binding lock (<c>device_lock</c>): <c>add</c>, then <c>bind</c> when
    /// it is bound at this moment. From here on <see cref="Bind"/> and <see cref="Unbind"/> send their own events under
    /// that lock, so a device's stream is always add (bind unbind)* remove, whatever races with the create.
    /// </summary>
    private void Announce(MdevDevice mdev)
    {
        lock (mdev.BindLock)
        {
            var add = new PendingUevent(UeventAction.Add, mdev.DevPath, BusName);
            if (mdev.Driver is { } driver)
            {
                _uevents.Publish([add, new PendingUevent(UeventAction.Bind, mdev.DevPath, BusName, driver.Name)]);
            }
            else
            {
                _uevents.Publish(add);
            }

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

            var driverDir = BusPath + "/drivers/" + driver.Name;
            var changes = new SysfsChangeSet(Sysfs);
            try
            {
                changes.Link(driverDir + "/" + mdev.Name, mdev.SysfsPath);
                changes.Link(mdev.SysfsPath + "/driver", driverDir);
                driver.Probe(mdev);
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
                driver.Remove(mdev);
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
