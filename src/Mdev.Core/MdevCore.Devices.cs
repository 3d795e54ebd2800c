using Mdev.Core.Sysfs;

namespace Mdev.Core;

public sealed partial class MdevCore
{
    private readonly Lock _mdevListLock = new();
    private readonly Dictionary<Guid, MdevDevice> _mdevs = [];

    /// <summary>Every mdev device of this core that is active now.</summary>
    public IReadOnlyList<MdevDevice> Devices
    {
        get
        {
            lock (_mdevListLock)
            {
                return _mdevs.Values.Where(d => d.State == MdevDeviceState.Active).ToArray();
            }
        }
    }

    /// <summary>Finds an mdev device by UUID, in any state but gone.</summary>
    /// <param name="uuid">The UUID.</param>
    /// <returns>The device, or null.</returns>
    public MdevDevice? FindDevice(Guid uuid)
    {
        lock (_mdevListLock)
        {
            return _mdevs.GetValueOrDefault(uuid);
        }
    }

    /// <summary>
    /// Creates an mdev device, exactly as writing its UUID to the type's <c>create</c> file does (spec §2.2, in order):
    /// global duplicate check (<c>EEXIST</c>), core pool (<c>EUSERS</c>), parent going away (<c>ENODEV</c>), device
    /// directory and bus link, the vendor's <see cref="ParentOps.Create"/>, binding to the mdev bus driver and its
    /// probe, the vendor's per-device attributes, the type links. Sends <c>add</c> then <c>bind</c> once it succeeded.
    /// </summary>
    /// <param name="type">A type of one of this core's parents.</param>
    /// <param name="uuid">The device's UUID.</param>
    /// <returns>The active device.</returns>
    /// <exception cref="MdevException">The errno of the failed step (the vendor's and the probe's passed through). A failure at any step leaves no sysfs node, no pool slot and no uevent.</exception>
    public MdevDevice CreateMdevDevice(MdevType type, Guid uuid)
    {
        ArgumentNullException.ThrowIfNull(type);
        CheckOwn(type.Parent.Device);
        var parent = type.Parent;
        var ops = parent.Ops;
        var mdev = new MdevDevice(this, uuid, type);
        type.CountCreateAttempt();

        // Which availability model the vendor uses is asked outside every lock (it is vendor code).
        bool usesPool = ops.GetAvailable(type) is null;
        lock (_mdevListLock)
        {
            if (_mdevs.ContainsKey(uuid))
            {
                throw new MdevException(Errno.EEXIST, $"create on {type.Name}: device {mdev.Name} already exists");
            }

            // Steps 3 and 4 under mdev_list_lock together, as in the kernel.
            if (usesPool)
            {
                parent.TakePoolSlot(type);
            }

            _mdevs.Add(uuid, mdev);
        }

        bool entered = false, vendorCreated = false, bound = false;
        var changes = new SysfsChangeSet(Sysfs);
        try
        {
            if (!parent.TryEnterOperation())
            {
                throw new MdevException(Errno.ENODEV, $"create on {type.Name}: parent {parent.Device.Name} is being unregistered");
            }

            entered = true;

            // device_add: the directory with the core's files, and the bus link.
            changes.Directory(mdev.SysfsPath, mdev.Name);
            AddCoreDeviceFiles(changes, mdev);
            changes.Link(BusPath + "/devices/" + mdev.Name, mdev.SysfsPath, mdev.Name);

            // An armed fault fails where the vendor's create would, so the rollback below runs as for a real failure.
            Faults.Check(FaultPoint.Create, FaultSite.Of(type, mdev.Name), $"create on {type.Name}");
            ops.Create(mdev);
            vendorCreated = true;

            // Modern: mdev_device_create's explicit device_driver_attach. 2016: device_register → bus_probe_device, which
            // matches only while drivers_autoprobe is 1.
            if ((Options.RemovePolicy != RemovePolicy.Legacy2016 || _driversAutoprobe) && DriverFor(parent) is { } driver && Bind(mdev, driver))
            {
                bound = true;
            }

            changes.Groups(mdev.SysfsPath, DeviceAttributeGroups(parent), mdev);
            changes.Link(type.SysfsPath + "/devices/" + mdev.Name, mdev.SysfsPath, mdev.Name);
            if (Options.MdevTypeLinkDelay == TimeSpan.Zero)
            {
                changes.Link(mdev.SysfsPath + "/mdev_type", type.SysfsPath);
            }

            mdev.TookPoolSlot = usesPool;
            parent.AddChild(mdev);

            // add (and bind, if it is still bound: a driver unregistering meanwhile may have unbound it silently) go
            // out before the device is active, so no unbind/remove can overtake them.
            Announce(mdev);
            lock (_mdevListLock)
            {
                mdev.State = MdevDeviceState.Active;
                if (Options.MdevTypeLinkDelay > TimeSpan.Zero)
                {
                    mdev.TypeLinkTimer = Options.TimeProvider.CreateTimer(_ => AddDelayedTypeLink(mdev), null, Options.MdevTypeLinkDelay, Timeout.InfiniteTimeSpan);
                }
            }

            Log.DeviceCreated(_logger, mdev.Name, type.Name);
            return mdev;
        }
        catch
        {
            if (bound)
            {
                Unbind(mdev);
            }

            if (vendorCreated)
            {
                VendorRemove(mdev);
            }

            changes.Rollback();
            lock (mdev.BindLock)
            {
                // What the probe and its undoing sent is dropped with the device: a failed create sends no uevent.
                mdev.HeldUevents = null;
            }

            lock (_mdevListLock)
            {
                if (usesPool)
                {
                    parent.ReturnPoolSlot();
                }

                _mdevs.Remove(uuid);
                mdev.State = MdevDeviceState.Gone;
            }

            throw;
        }
        finally
        {
            if (entered)
            {
                parent.ExitOperation();
            }
        }
    }

    /// <summary>
    /// Removes an mdev device, exactly as writing <c>1</c> to its <c>remove</c> file does (spec §2.3): unknown
    /// <c>ENODEV</c>, not active <c>EAGAIN</c>, parent going away <c>ENODEV</c>; then, by <see cref="MdevCoreOptions.RemovePolicy"/>,
    /// the 2016 vendor refusal (<c>EBUSY</c>) or none; then it waits until every user has released the device, calling
    /// <see cref="ParentOps.Request"/> at once and every <see cref="MdevCoreOptions.RequestInterval"/>; then tears it down
    /// and sends <c>unbind</c> and <c>remove</c>.
    /// </summary>
    /// <param name="uuid">The device's UUID.</param>
    /// <param name="cancellationToken">Cancels the wait for users (modern policy); the device then stays active.</param>
    /// <returns>A task that completes when the device is gone.</returns>
    /// <exception cref="MdevException">The errno of the failed step; the device stays as it was.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; the device stays active.</exception>
    public async Task RemoveMdevDeviceAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        MdevDevice? mdev;
        lock (_mdevListLock)
        {
            if (!_mdevs.TryGetValue(uuid, out mdev))
            {
                throw new MdevException(Errno.ENODEV, $"remove {uuid:D}: no such mdev device");
            }

            if (mdev.State != MdevDeviceState.Active)
            {
                throw new MdevException(Errno.EAGAIN, $"remove {mdev.Name}: device is {mdev.State.ToString().ToLowerInvariant()}, not active");
            }

            Faults.Check(FaultPoint.Remove, FaultSite.Of(mdev), $"remove {mdev.Name}");

            mdev.State = MdevDeviceState.Removing;
        }

        var parent = mdev.Parent;
        if (!parent.TryEnterOperation())
        {
            // As in the kernel the device stays inactive: the unregistration under way removes it.
            throw new MdevException(Errno.ENODEV, $"remove {mdev.Name}: parent {parent.Device.Name} is being unregistered");
        }

        try
        {
            bool legacy = Options.RemovePolicy == RemovePolicy.Legacy2016;
            if (legacy)
            {
                try
                {
                    parent.Ops.Remove(mdev);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // 2016: any non-zero return of ops->remove is -EBUSY, and the device stays.
                    Reactivate(mdev);
                    throw new MdevException(Errno.EBUSY, $"remove {mdev.Name}: the vendor driver refused ({(ex as MdevException)?.Errno.ToString() ?? ex.GetType().Name})", ex);
                }
            }

            HideForRemoval(mdev);
            try
            {
                await WaitForReleaseAsync(mdev, legacy ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                RestoreAfterCancel(mdev);
                Reactivate(mdev);
                throw;
            }

            if (Options.RemoveDuration > TimeSpan.Zero)
            {
                // A slow removal: the hidden device stays, and the remove store waits, this long.
                await Task.Delay(Options.RemoveDuration, Options.TimeProvider, CancellationToken.None).ConfigureAwait(false);
            }

            Teardown(mdev, callVendorRemove: !legacy);
        }
        finally
        {
            parent.ExitOperation();
        }
    }

    /// <summary>Synchronous <see cref="RemoveMdevDeviceAsync"/>: blocks, as a write to <c>remove</c> does, while the device is in use.</summary>
    /// <param name="uuid">The device's UUID.</param>
    public void RemoveMdevDevice(Guid uuid) => RemoveMdevDeviceAsync(uuid).GetAwaiter().GetResult();

    /// <summary>The <c>create</c> store: length 36 or 37 (the 37th byte unchecked), then <c>guid_parse</c>, then <see cref="CreateMdevDevice"/>.</summary>
    private void CreateStore(MdevType type, string text)
    {
        if (text.Length < KernelText.UuidStringLength || text.Length > KernelText.UuidStringLength + 1)
        {
            throw new MdevException(Errno.EINVAL, $"create on {type.Name}: wrote {text.Length} bytes, a UUID takes 36 (37 with a newline)");
        }

        if (!KernelText.TryParseUuid(text, out var uuid))
        {
            throw new MdevException(Errno.EINVAL, $"create on {type.Name}: '{Printable(text[..KernelText.UuidStringLength])}' is not a UUID");
        }

        CreateMdevDevice(type, uuid);
    }

    /// <summary>The <c>remove</c> store: <c>kstrtoul(buf, 0)</c> (<c>EINVAL</c>), 0 is a no-op, then one writer wins.</summary>
    private void RemoveStore(MdevDevice mdev, string text)
    {
        if (KernelText.ParseUnsignedLong(text, out var value) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"remove on {mdev.Name}: '{Printable(text)}' is not a number");
        }

        if (value == 0 || !mdev.TryClaimRemoveFile())
        {
            return;
        }

        try
        {
            RemoveMdevDeviceAsync(mdev.Uuid).GetAwaiter().GetResult();
        }
        catch
        {
            mdev.ReleaseRemoveFileClaim();
            throw;
        }
    }

    private void Reactivate(MdevDevice mdev)
    {
        lock (_mdevListLock)
        {
            if (mdev.State == MdevDeviceState.Removing)
            {
                mdev.State = MdevDeviceState.Active;
            }
        }
    }

    /// <summary>The device directory's own files: <c>remove</c>, <c>uevent</c>, <c>subsystem</c>, <c>power/</c>.</summary>
    private static void AddCoreDeviceFiles(SysfsChangeSet changes, MdevDevice mdev) =>
        changes.Template(mdev.SysfsPath, MdevDeviceFiles, mdev);

    /// <summary>
    /// The kernel's order before a removal blocks (mainline): <c>remove</c> (device_remove_file_self), the type's link
    /// and <c>mdev_type</c> (mdev_remove_sysfs_files), then device_del: <c>power/</c> (dpm_sysfs_remove), <c>uevent</c>
    /// (device_remove_attrs), <c>subsystem</c> and the bus link (bus_remove_device), the <c>driver</c> link and
    /// <c>drivers/&lt;drv&gt;/&lt;uuid&gt;</c> (driver_sysfs_remove), the driver's attribute groups such as mtty's
    /// <c>vendor/</c> (device_remove), and the start of the driver's remove (<c>vfio-dev/</c>, then the wait). Only what
    /// the bus driver adds itself (<c>iommu_group</c>) stays. New opens fail from here on.
    /// </summary>
    private void HideForRemoval(MdevDevice mdev)
    {
        mdev.BlockOpens();
        Sysfs.TryRemove(mdev.SysfsPath + "/remove");
        Sysfs.TryRemove(mdev.Type.SysfsPath + "/devices/" + mdev.Name);
        Sysfs.TryRemove(mdev.SysfsPath + "/mdev_type");
        Sysfs.TryRemove(mdev.SysfsPath + "/power");
        Sysfs.TryRemove(mdev.SysfsPath + "/uevent");
        Sysfs.TryRemove(mdev.SysfsPath + "/subsystem");
        Sysfs.TryRemove(BusPath + "/devices/" + mdev.Name);
        MdevDriver? driver;
        lock (mdev.BindLock)
        {
            driver = mdev.Driver;
        }

        if (driver is not null)
        {
            Sysfs.TryRemove(mdev.SysfsPath + "/driver");
            Sysfs.TryRemove(BusPath + "/drivers/" + driver.Name + "/" + mdev.Name);
        }

        foreach (var group in mdev.Parent.Ops.MdevAttrGroups)
        {
            if (group.Name is not null)
            {
                Sysfs.TryRemove(mdev.SysfsPath + "/" + group.Name);
                continue;
            }

            foreach (var attribute in group.Attributes)
            {
                Sysfs.TryRemove(mdev.SysfsPath + "/" + attribute.Name);
            }
        }

        if (driver is not null)
        {
            try
            {
                driver.RemoveStarting(mdev);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.DriverRemoveFailed(_logger, ex, mdev.Name, driver.Name);
            }
        }
    }

    /// <summary>Puts back what <see cref="HideForRemoval"/> took, in reverse, after a cancelled wait.</summary>
    private void RestoreAfterCancel(MdevDevice mdev)
    {
        MdevDriver? driver;
        lock (mdev.BindLock)
        {
            driver = mdev.Driver;
        }

        if (driver is not null)
        {
            try
            {
                driver.RemoveCancelled(mdev);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.DriverRemoveFailed(_logger, ex, mdev.Name, driver.Name);
            }
        }

        var changes = new SysfsChangeSet(Sysfs);
        changes.Groups(mdev.SysfsPath, DeviceAttributeGroups(mdev.Parent), mdev);
        if (driver is not null)
        {
            changes.Link(BusPath + "/drivers/" + driver.Name + "/" + mdev.Name, mdev.SysfsPath, mdev.Name);
            changes.Link(mdev.SysfsPath + "/driver", driver.BusDirectory ??= BusPath + "/drivers/" + driver.Name);
        }

        AddCoreDeviceFiles(changes, mdev);
        changes.Link(BusPath + "/devices/" + mdev.Name, mdev.SysfsPath, mdev.Name);
        changes.Link(mdev.Type.SysfsPath + "/devices/" + mdev.Name, mdev.SysfsPath, mdev.Name);
        changes.Link(mdev.SysfsPath + "/mdev_type", mdev.Type.SysfsPath);
        mdev.UnblockOpens();
    }

    /// <summary>Waits until no user holds the device, asking them through the vendor's Request at once and every interval.</summary>
    private async Task WaitForReleaseAsync(MdevDevice mdev, CancellationToken cancellationToken)
    {
        var released = mdev.WhenReleased();
        uint count = 0;
        while (!released.IsCompleted)
        {
            if (count == 0)
            {
                Log.RemovalBlocked(_logger, mdev.Name, string.Join(", ", mdev.Holders));
            }

            try
            {
                mdev.Parent.Ops.Request(mdev, count);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.RequestFailed(_logger, ex, mdev.Name);
            }

            count++;
            try
            {
                await released.WaitAsync(Options.RequestInterval, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                released = mdev.WhenReleased();
            }
        }
    }

    /// <summary>
    /// Takes an active, released device apart and sends its <c>remove</c> (an <c>unbind</c> has gone out before, under the
    /// binding lock, when it was bound); never throws (driver and vendor failures are logged).
    /// </summary>
    private void Teardown(MdevDevice mdev, bool callVendorRemove)
    {
        var parent = mdev.Parent;
        lock (mdev.BindLock)
        {
            mdev.TearingDown = true;
        }

        Sysfs.TryRemove(mdev.Type.SysfsPath + "/devices/" + mdev.Name);
        Sysfs.TryRemove(mdev.SysfsPath + "/mdev_type");
        Sysfs.TryRemove(mdev.SysfsPath + "/subsystem");
        Sysfs.TryRemove(BusPath + "/devices/" + mdev.Name);
        Unbind(mdev);
        if (callVendorRemove)
        {
            VendorRemove(mdev);
        }

        Sysfs.TryRemove(mdev.SysfsPath);
        parent.RemoveChild(mdev);
        lock (_mdevListLock)
        {
            _mdevs.Remove(mdev.Uuid);
            mdev.State = MdevDeviceState.Gone;
            if (mdev.TookPoolSlot)
            {
                parent.ReturnPoolSlot();
            }
        }

        _uevents.Publish(new PendingUevent(UeventAction.Remove, mdev.DevPath, BusName));
        Log.DeviceRemoved(_logger, mdev.Name);
    }

    private void VendorRemove(MdevDevice mdev)
    {
        try
        {
            mdev.Parent.Ops.Remove(mdev);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Modern kernels only log a vendor remove failure and go on ("Remove failed: err=%d").
            Log.VendorRemoveFailed(_logger, ex, mdev.Name, (ex as MdevException)?.Errno.ToString() ?? ex.GetType().Name);
        }
    }

    /// <summary>
    /// The delayed <c>mdev_type</c> link of <see cref="MdevCoreOptions.MdevTypeLinkDelay"/>: added only while the device
    /// is active (checked and added under <c>_mdevListLock</c>, which a removal takes to leave the active state, so a
    /// removal begun first cancels it); a link already restored by a cancelled removal is left as it is.
    /// </summary>
    private void AddDelayedTypeLink(MdevDevice mdev)
    {
        lock (_mdevListLock)
        {
            mdev.TypeLinkTimer?.Dispose();
            mdev.TypeLinkTimer = null;
            if (mdev.State != MdevDeviceState.Active || !Sysfs.Exists(mdev.SysfsPath) || Sysfs.Exists(mdev.SysfsPath + "/mdev_type"))
            {
                return;
            }

            Sysfs.AddLink(mdev.SysfsPath + "/mdev_type", mdev.Type.SysfsPath);
        }
    }

    /// <summary>The vendor's device attributes, with the parent's <see cref="ParentQuirks.NewlineOnlyAttributes"/> applied.</summary>
    private static IReadOnlyList<AttributeGroup<MdevDevice>> DeviceAttributeGroups(MdevParent parent)
    {
        var groups = parent.Ops.MdevAttrGroups;
        var newlineOnly = parent.Quirks.NewlineOnlyAttributes;
        if (newlineOnly.Count == 0)
        {
            return groups;
        }

        return [.. groups.Select(g => new AttributeGroup<MdevDevice>(g.Name, [.. g.Attributes.Select(a => a.Store is { } store && newlineOnly.Contains(a.Name, StringComparer.Ordinal)
            ? new MdevAttribute<MdevDevice>(a.Name, a.Mode, a.Show, (mdev, text) =>
            {
                // Quirk: the driver consumes the last character written; without a newline the value is not taken.
                if (text.EndsWith('\n'))
                {
                    store(mdev, text);
                }
            })
            : a)]))];
    }
}
