using Mdev.Control.Internal;
using Mdev.Core;
using Mdev.Core.Sysfs;

namespace Mdev.Control;

/// <summary>Start, stop and start-parent-mdevs: mdevctl's <c>create</c>/<c>remove</c> writes with its checks, then the attributes.</summary>
public sealed partial class MdevControl
{
    /// <summary>
    /// <c>mdevctl start [-u uuid] [-p parent] [-t type]</c>: starts a defined device (the UUID, with the parent when it is
    /// defined on several) or a transient one (parent and type), then writes its definition's attributes in order.
    /// </summary>
    /// <param name="uuid">The device's UUID; null to generate one (then <paramref name="parent"/> and <paramref name="type"/> are needed).</param>
    /// <param name="parent">The parent, or null to take the definition's.</param>
    /// <param name="type">The type, or null to take the definition's.</param>
    /// <param name="cancellationToken">Cancels the call-outs and the wait for the device; a device already created is removed again.</param>
    /// <returns>The UUID of the started device.</returns>
    /// <exception cref="MdevctlException">mdevctl's checks (<c>Device is insufficiently specified</c>, <c>Multiple definitions found …</c>,
    /// <c>Unable to find parent device …</c>, <c>Parent P does not support mdev type T</c>, <c>No available instances of T on P</c>, …),
    /// the kernel's errno of the <c>create</c> write, or an attribute that could not be written (the device is gone again).</exception>
    public async Task<Guid> StartAsync(Guid? uuid, string? parent = null, string? type = null, CancellationToken cancellationToken = default)
    {
        StoredDefinition? definition = null;
        if (uuid is { } id)
        {
            var defs = _store.Scan(id, parent);
            if (defs.Count > 1)
            {
                throw new MdevctlException(Errno.EINVAL, $"Multiple definitions found for device {Uuids.Format(id)}. Please specify a parent.");
            }

            if (defs.Count == 1)
            {
                definition = defs[0];
                if (type is not null && type != definition.Config.Type)
                {
                    throw new MdevctlException(Errno.EEXIST, $"Device {Uuids.Format(id)} already exists on parent {definition.Parent} with type {definition.Config.Type}");
                }
            }
        }

        if (definition is null)
        {
            if (type is not null && parent is null)
            {
                throw new MdevctlException(Errno.EINVAL, "can't provide type without parent");
            }

            if (type is null || parent is null)
            {
                throw new MdevctlException(Errno.EINVAL, "Device is insufficiently specified");
            }
        }

        var target = uuid ?? Guid.NewGuid();
        return await StartDeviceAsync(target, definition?.Parent ?? parent!, definition?.Config ?? new MdevDeviceConfig(type!), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>mdevctl start [-u uuid] -p parent --jsonfile F</c>: starts a device from a definition's content (e.g.
    /// <see cref="MdevDeviceConfig.LoadAsync"/>) without looking at the stored definitions.
    /// </summary>
    /// <param name="uuid">The UUID, or null to generate one.</param>
    /// <param name="parent">The parent.</param>
    /// <param name="config">The type and the attributes to write in order.</param>
    /// <param name="cancellationToken">As for <see cref="StartAsync(Guid?, string?, string?, CancellationToken)"/>.</param>
    /// <returns>The UUID of the started device.</returns>
    /// <exception cref="MdevctlException">As for <see cref="StartAsync(Guid?, string?, string?, CancellationToken)"/>.</exception>
    public Task<Guid> StartAsync(Guid? uuid, string parent, MdevDeviceConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (parent is null)
        {
            throw new MdevctlException(Errno.EINVAL, "Parent device required to start device via json file");
        }

        return StartDeviceAsync(uuid ?? Guid.NewGuid(), parent, config, cancellationToken);
    }

    /// <summary><c>mdevctl stop -u uuid</c>: writes <c>1</c> to the device's <c>remove</c> (between the call-outs). Definitions are not touched.</summary>
    /// <param name="uuid">The device.</param>
    /// <param name="cancellationToken">Cancels the call-outs and the wait for the device to go.</param>
    /// <returns>A task that completes when the device is gone.</returns>
    /// <exception cref="MdevctlException"><c>Error removing device &lt;uuid&gt;</c> with the kernel's errno (<c>ENOENT</c> when it is not active).</exception>
    public async Task StopAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        var found = Sysfs(() => _sys.ResolveDevice(uuid))
            ?? throw new MdevctlException(Errno.ENOENT, $"Error removing device {Uuids.Format(uuid)}", new MdevException(Errno.ENOENT, $"{SysfsView.DevicePath(uuid)}: no such device"));
        await _callouts.InvokeAsync(CalloutAction.Stop, uuid, found.Parent, new MdevDeviceConfig(found.Type), async () =>
        {
            await RemoveAsync(uuid, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>mdevctl start-parent-mdevs parent</c> (what mdevctl's udev rule runs when a parent appears): starts every
    /// <c>auto</c> definition of the parent; a failure is logged as a warning and the next one is started anyway.
    /// </summary>
    /// <param name="parent">The parent that appeared.</param>
    /// <param name="cancellationToken">Cancels between devices.</param>
    /// <returns>What was started and what failed; both empty for a parent without definitions.</returns>
    /// <exception cref="MdevctlException">A definition of the parent that does not parse, or the configuration directory's errors.</exception>
    public async Task<MdevParentStartResult> StartParentDevicesAsync(string parent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var started = new List<Guid>();
        var failed = new List<MdevctlException>();
        foreach (var d in _store.Scan(null, parent).Where(d => d.Config.AutoStart))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                started.Add(await StartDeviceAsync(d.Uuid, d.Parent, d.Config, cancellationToken).ConfigureAwait(false));
            }
            catch (MdevctlException ex)
            {
                Log.ParentStartFailed(_logger, ex.MdevctlMessage);
                failed.Add(ex);
            }
        }

        return new MdevParentStartResult(started, failed);
    }

    private Task<Guid> StartDeviceAsync(Guid uuid, string parent, MdevDeviceConfig config, CancellationToken cancellationToken) =>
        _callouts.InvokeAsync(CalloutAction.Start, uuid, parent, config, async () =>
        {
            await CreateAsync(uuid, parent, config, cancellationToken).ConfigureAwait(false);
            return uuid;
        }, cancellationToken);

    /// <summary>mdevctl's <c>MDev::start</c>: its checks in order, the <c>create</c> write, then each attribute; any failure after the write removes the device again.</summary>
    private async Task CreateAsync(Guid uuid, string parent, MdevDeviceConfig config, CancellationToken cancellationToken)
    {
        (string Parent, string Type)? existing;
        try
        {
            existing = _sys.ResolveDevice(uuid);
        }
        catch (MdevException)
        {
            existing = null; // mdevctl: load_from_sysfs().is_ok() && active
        }

        if (existing is { } e)
        {
            throw new MdevctlException(Errno.EEXIST, e.Parent != parent ? "Device exists under different parent"
                : e.Type != config.Type ? "Device exists with different type" : "Device already exists");
        }

        FindParent(parent);
        var types = SysfsView.TypesPath(parent);
        if (!_sys.IsDirectory(types))
        {
            throw new MdevctlException(Errno.ENOENT, $"Parent {parent} is not currently registered for mdev support");
        }

        var typeDir = $"{types}/{config.Type}";
        if (!SysfsNameIsValid(config.Type) || !_sys.IsDirectory(typeDir))
        {
            throw new MdevctlException(Errno.ENOENT, $"Parent {parent} does not support mdev type {config.Type}");
        }

        if (ParseInstances(Sysfs(() => _sys.ReadTrimmed(typeDir + "/available_instances"))) == 0)
        {
            // The errno the core's instance pool gives a create with none left (mdev_device_create).
            throw new MdevctlException(Errno.EUSERS, $"No available instances of {config.Type} on {parent}");
        }

        var id = Uuids.Format(uuid);
        try
        {
            _sys.Sysfs.Write(typeDir + "/create", id);
        }
        catch (MdevException ex)
        {
            throw new MdevctlException(ex.Errno, $"Failed to create mdev {id}, type {config.Type} on {parent}", ex);
        }

        Log.Created(_logger, id, config.Type, parent);
        var device = SysfsView.DevicePath(uuid);
        try
        {
            if (!await WaitAsync(() => _sys.Exists(device), cancellationToken).ConfigureAwait(false))
            {
                throw new MdevctlException(Errno.ETIMEDOUT, $"Device {id} did not appear in {SysfsView.MdevBase} within {_options.DeviceTimeout}");
            }

            foreach (var attr in config.Attributes)
            {
                var path = $"{device}/{attr.Name}";
                if (!SysfsNameIsValid(attr.Name) || !_sys.Exists(path))
                {
                    throw new MdevctlException(Errno.ENOENT, $"Invalid attribute '{attr.Name}'");
                }

                try
                {
                    _sys.Sysfs.Write(path, attr.Value);
                }
                catch (MdevException ex)
                {
                    throw new MdevctlException(ex.Errno, $"Failed to write {attr.Value} to attribute {attr.Name}", ex);
                }
            }
        }
        catch (Exception ex) when (ex is MdevctlException or OperationCanceledException)
        {
            // mdevctl writes remove even when the device never appeared and then reports that write's ENOENT instead;
            // here a device that is not there keeps the original error (e.g. ETIMEDOUT).
            Log.RollingBack(_logger, id, ex.Message);
            if (_sys.Exists(device))
            {
                await RemoveAsync(uuid, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>mdevctl's <c>find_parent_dir</c>: the entry must be a directory in <c>/sys/class/mdev_bus</c>; a case-insensitive match is suggested.</summary>
    private void FindParent(string parent)
    {
        if (SysfsNameIsValid(parent) && _sys.IsDirectory($"{SysfsView.ParentBase}/{parent}"))
        {
            return;
        }

        var names = Sysfs(() => _sys.Sysfs.ReadDirectory(SysfsView.ParentBase)).Select(e => e.Name);
        var near = names.FirstOrDefault(n => string.Equals(n, parent, StringComparison.OrdinalIgnoreCase));
        throw new MdevctlException(Errno.ENOENT, near is null
            ? $"Unable to find parent device '{parent}'"
            : $"Unable to find parent device '{parent}'. Did you mean '{near}'?");
    }

    /// <summary>Writes <c>1</c> to <c>remove</c> and waits for the device to go.</summary>
    private async Task RemoveAsync(Guid uuid, CancellationToken cancellationToken)
    {
        var id = Uuids.Format(uuid);
        var device = SysfsView.DevicePath(uuid);
        try
        {
            _sys.Sysfs.Write(device + "/remove", "1");
        }
        catch (MdevException ex)
        {
            throw new MdevctlException(ex.Errno, $"Error removing device {id}", ex);
        }

        if (!await WaitAsync(() => !_sys.Exists(device), cancellationToken).ConfigureAwait(false))
        {
            throw new MdevctlException(Errno.ETIMEDOUT, $"Device {id} is still in {SysfsView.MdevBase} {_options.DeviceTimeout} after its removal");
        }

        Log.Removed(_logger, id);
    }

    /// <summary>Checks <paramref name="condition"/> now and then every <see cref="MdevControlOptions.PollInterval"/> until <see cref="MdevControlOptions.DeviceTimeout"/>, on the options' clock.</summary>
    private async Task<bool> WaitAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        long start = time.GetTimestamp();
        while (!condition())
        {
            if (time.GetElapsedTime(start) >= _options.DeviceTimeout)
            {
                return false;
            }

            await Task.Delay(_options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A name usable as one path component below a sysfs directory (a parent, a type, an attribute).</summary>
    private static bool SysfsNameIsValid(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal);
}
