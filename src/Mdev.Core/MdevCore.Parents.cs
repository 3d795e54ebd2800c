using Mdev.Core.Sysfs;

namespace Mdev.Core;

public sealed partial class MdevCore
{
    private static readonly HashSet<string> CoreTypeFiles = ["create", "devices", "name", "device_api", "available_instances", "description"];
    private static readonly HashSet<string> CoreDeviceFiles = ["remove", "uevent", "subsystem", "driver", "mdev_type", "iommu_group", "power"];

    private readonly Lock _parentListLock = new();
    private readonly List<MdevParent> _parents = [];
    private readonly HashSet<Device> _registering = [];

    /// <summary>Quirks by parent name, read at each registration; a concurrent dictionary, so no lock.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParentQuirks> _quirks = new(StringComparer.Ordinal);

    /// <summary>The registered parents, in registration order.</summary>
    public IReadOnlyList<MdevParent> Parents
    {
        get
        {
            lock (_parentListLock)
            {
                return _parents.ToArray();
            }
        }
    }

    /// <summary>Finds a registered parent by device name (<c>mtty</c>, <c>0000:00:02.0</c>).</summary>
    /// <param name="name">The parent device's name.</param>
    /// <returns>The parent, or null.</returns>
    public MdevParent? FindParent(string name)
    {
        lock (_parentListLock)
        {
            return _parents.FirstOrDefault(p => p.Device.Name == name);
        }
    }

    /// <summary>
    /// Sets the vendor quirks the parent named <paramref name="parentName"/> shows from its next registration on (a
    /// parent registered now keeps its files until it unregisters); null clears them.
    /// </summary>
    /// <param name="parentName">The parent device's name (<c>0000:00:02.0</c>, <c>mtty</c>).</param>
    /// <param name="quirks">The quirks, or null for none.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for an empty name or an empty attribute name in <see cref="ParentQuirks.NewlineOnlyAttributes"/>.</exception>
    public void SetParentQuirks(string parentName, ParentQuirks? quirks)
    {
        if (string.IsNullOrEmpty(parentName))
        {
            throw new MdevException(Errno.EINVAL, "parent quirks: the parent name is empty");
        }

        if (quirks is null)
        {
            _quirks.TryRemove(parentName, out _);
            return;
        }

        if (quirks.NewlineOnlyAttributes is null || quirks.NewlineOnlyAttributes.Any(string.IsNullOrEmpty))
        {
            throw new MdevException(Errno.EINVAL, $"parent quirks of {parentName}: NewlineOnlyAttributes must list attribute names");
        }

        _quirks[parentName] = quirks with { NewlineOnlyAttributes = [.. quirks.NewlineOnlyAttributes] };
    }

    /// <summary>
    /// Registers <paramref name="device"/> as an mdev parent (<c>mdev_register_device</c>/<c>mdev_register_parent</c>):
    /// adds the vendor's parent attributes, <c>mdev_supported_types/</c> with one directory per type, and
    /// <c>/sys/class/mdev_bus/&lt;name&gt;</c>; sends <c>change</c> with <c>MDEV_STATE=registered</c>.
    /// </summary>
    /// <param name="device">A device of this core's tree.</param>
    /// <param name="ops">The vendor driver's callbacks.</param>
    /// <returns>The parent.</returns>
    /// <exception cref="MdevException">
    /// <c>EINVAL</c> when <paramref name="ops"/> or the device is missing, the type list is null, a type has no name or no
    /// device API, or an attribute breaks the mode rules; <c>EEXIST</c> when the device is already registered, two
    /// types share a name, or an attribute name is taken. Nothing is left behind.
    /// </exception>
    public MdevParent RegisterParent(Device device, ParentOps ops)
    {
        if (device is null || ops is null)
        {
            throw new MdevException(Errno.EINVAL, "register parent: device and ops are mandatory");
        }

        CheckOwn(device);
        var name = device.Name;
        if (!Options.MdevLoaded)
        {
            throw new MdevException(Errno.ENODEV, $"register parent {name}: mdev is not loaded");
        }

        lock (_parentListLock)
        {
            if (_registering.Contains(device) || _parents.Any(p => p.Device == device))
            {
                throw new MdevException(Errno.EEXIST, $"register parent {name}: already registered");
            }
        }

        var groups = ops.SupportedTypeGroups;
        if (groups is null)
        {
            throw new MdevException(Errno.EINVAL, $"register parent {name}: supported_type_groups is mandatory");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (group is null || !SysfsPath.IsValidName(group.Name))
            {
                throw new MdevException(Errno.EINVAL, $"register parent {name}: a supported type group has no valid name");
            }

            if (string.IsNullOrEmpty(group.DeviceApi))
            {
                throw new MdevException(Errno.EINVAL, $"register parent {name}: type {group.Name} has no device_api");
            }

            if (!seen.Add(group.Name))
            {
                throw new MdevException(Errno.EEXIST, $"register parent {name}: type {group.Name} is declared twice");
            }

            if (group.Attributes.FirstOrDefault(a => CoreTypeFiles.Contains(a.Name)) is { } clash)
            {
                throw new MdevException(Errno.EEXIST, $"register parent {name}: type attribute {clash.Name} of {group.Name} clashes with the core's");
            }
        }

        if (ops.MdevAttrGroups.SelectMany(g => g.Name is null ? g.Attributes.Select(a => a.Name) : [g.Name]).FirstOrDefault(CoreDeviceFiles.Contains) is { } deviceClash)
        {
            throw new MdevException(Errno.EEXIST, $"register parent {name}: device attribute {deviceClash} clashes with the core's");
        }

        if (ops.MaxInstances < 0)
        {
            throw new MdevException(Errno.EINVAL, $"register parent {name}: max_instances {ops.MaxInstances} is negative");
        }

        lock (_parentListLock)
        {
            lock (_treeLock)
            {
                if (device.Deleted)
                {
                    throw new MdevException(Errno.EINVAL, $"register parent {name}: the device was deleted");
                }
            }

            if (_registering.Contains(device) || _parents.Any(p => p.Device == device))
            {
                throw new MdevException(Errno.EEXIST, $"register parent {name}: already registered");
            }

            _registering.Add(device);
        }

        var parent = new MdevParent(device, ops, _quirks.GetValueOrDefault(name, ParentQuirks.None));
        var changes = new SysfsChangeSet(Sysfs);
        try
        {
            // Ours, not the kernel's (which shows 0 and fails every create with EUSERS): a core-managed pool of no
            // instances is always a forgotten MaxInstances.
            if (ops.MaxInstances == 0 && parent.Types.Count > 0 && parent.Types.All(t => ops.GetAvailable(t) is null))
            {
                throw new MdevException(Errno.EINVAL, $"register parent {name}: the core-managed pool is empty (ParentOps.MaxInstances is 0 and GetAvailable returns null for every type); set MaxInstances to how many devices the parent holds, or return counts from GetAvailable");
            }

            changes.Groups(device.SysfsPath, ops.DevAttrGroups, device);
            changes.Directory(device.SysfsPath + "/mdev_supported_types");
            foreach (var type in parent.Types)
            {
                AddTypeNodes(changes, type);
            }

            Sysfs.EnsureDirectory("/sys/class/mdev_bus");
            try
            {
                changes.Link("/sys/class/mdev_bus/" + name, device.SysfsPath);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EEXIST)
            {
                // class_compat_create_link failure only warns in the kernel.
                Log.ClassLinkFailed(_logger, name);
            }
        }
        catch
        {
            changes.Rollback();
            lock (_parentListLock)
            {
                _registering.Remove(device);
            }

            throw;
        }

        lock (_parentListLock)
        {
            _registering.Remove(device);
            bool deleted;
            lock (_treeLock)
            {
                deleted = device.Deleted;
            }

            if (deleted)
            {
                changes.Rollback();
                throw new MdevException(Errno.ENODEV, $"register parent {name}: the device was deleted meanwhile");
            }

            _parents.Add(parent);
            device.ProbeOps = ops;
        }

        Log.ParentRegistered(_logger, name);
        PublishDeviceUevents([DeviceUevent(UeventAction.Change, device, device.Driver, [new("MDEV_STATE", "registered")])]);
        return parent;
    }

    /// <summary>
    /// Unregisters a parent (<c>mdev_unregister_parent</c>): from now on creates and removes on it get <c>ENODEV</c>;
    /// waits for those in flight, removes <c>/sys/class/mdev_bus/&lt;name&gt;</c>, removes every child (each may wait for
    /// its users, asking them through <see cref="ParentOps.Request"/>), then the types and parent attributes; sends
    /// <c>change</c> with <c>MDEV_STATE=unregistered</c>. A device that is not registered is a no-op, as in the kernel.
    /// </summary>
    /// <param name="device">The parent device.</param>
    /// <returns>A task that completes when the parent is gone.</returns>
    public async Task UnregisterParentAsync(Device device)
    {
        CheckOwn(device);
        MdevParent? parent;
        lock (_parentListLock)
        {
            parent = _parents.FirstOrDefault(p => p.Device == device);
        }

        if (parent is null)
        {
            return;
        }

        if (!parent.BeginUnregister(out var drained))
        {
            await drained.ConfigureAwait(false);
            return;
        }

        try
        {
            Log.ParentUnregistering(_logger, device.Name);
            await drained.ConfigureAwait(false);
            Sysfs.TryRemove("/sys/class/mdev_bus/" + device.Name);
            foreach (var mdev in parent.Devices)
            {
                // As mdev_device_remove_cb, the device's state is left alone: a concurrent remove gets ENODEV.
                HideForRemoval(mdev);
                await WaitForReleaseAsync(mdev, CancellationToken.None).ConfigureAwait(false);
                Teardown(mdev, callVendorRemove: true);
            }

            Sysfs.TryRemove(device.SysfsPath + "/mdev_supported_types");
            foreach (var group in parent.Ops.DevAttrGroups)
            {
                if (group.Name is not null)
                {
                    Sysfs.TryRemove(device.SysfsPath + "/" + group.Name);
                }
                else
                {
                    foreach (var attribute in group.Attributes)
                    {
                        Sysfs.TryRemove(device.SysfsPath + "/" + attribute.Name);
                    }
                }
            }

            lock (_parentListLock)
            {
                _parents.Remove(parent);
            }

            PublishDeviceUevents([DeviceUevent(UeventAction.Change, device, device.Driver, [new("MDEV_STATE", "unregistered")])]);
        }
        finally
        {
            parent.EndUnregister();
        }
    }

    /// <summary>Synchronous <see cref="UnregisterParentAsync(Device)"/>: blocks, as the kernel call does, while children are in use.</summary>
    /// <param name="device">The parent device.</param>
    public void UnregisterParent(Device device) => UnregisterParentAsync(device).GetAwaiter().GetResult();

    private void AddTypeNodes(SysfsChangeSet changes, MdevType type)
    {
        var dir = type.SysfsPath;
        var ops = type.Parent.Ops;
        changes.Directory(dir);
        changes.Attribute(dir + "/create", SysfsModes.WriteOnly, null, text => CreateStore(type, text));
        changes.Directory(dir + "/devices");
        if (!type.Parent.Quirks.TypesWithoutName)
        {
            changes.Attribute(dir + "/name", SysfsModes.ReadOnly, () => type.PrettyName + "\n", null);
        }

        changes.Attribute(dir + "/device_api", SysfsModes.ReadOnly, () => type.DeviceApi + "\n", null);

        // "%u\n": a negative count prints as the kernel's unsigned would.
        changes.Attribute(
            dir + "/available_instances",
            SysfsModes.ReadOnly,
            () => unchecked((uint)type.AvailableInstances).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n",
            null);
        if (!type.Parent.Quirks.TypesWithoutDescription && ops.ShowDescription(type) is not null)
        {
            changes.Attribute(dir + "/description", SysfsModes.ReadOnly, () => ops.ShowDescription(type) ?? string.Empty, null);
        }

        changes.Groups(dir, [new AttributeGroup<MdevType>(null, type.Group.Attributes)], type);
    }
}
