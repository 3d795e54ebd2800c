using Mdev.Control.Internal;
using Mdev.Core;

namespace Mdev.Control;

/// <summary>Define, modify and undefine: the files of <c>&lt;root&gt;/etc/mdevctl.d</c>. None of them touches a running device.</summary>
public sealed partial class MdevControl
{
    /// <summary>
    /// <c>mdevctl define [-u uuid] [-p parent] [-t type] [--auto]</c>: stores a definition. For an active device the parent
    /// and type default to its own and the <c>get</c> callout supplies its attributes. As mdevctl, the parent and type
    /// need not exist in sysfs (a definition may wait for its parent).
    /// </summary>
    /// <param name="uuid">The UUID, or null to generate one.</param>
    /// <param name="parent">The parent, or null to take the active device's.</param>
    /// <param name="type">The type, or null to take the active device's.</param>
    /// <param name="autoStart">Start mode <c>auto</c> (started by <see cref="StartParentDevicesAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call-outs.</param>
    /// <returns>The UUID of the definition.</returns>
    /// <exception cref="MdevctlException"><c>No parent specified</c>, <c>No type specified</c> (<c>EINVAL</c>),
    /// <c>Device U on P already defined</c> (<c>EEXIST</c>), the configuration directory's errors.</exception>
    public async Task<Guid> DefineAsync(Guid? uuid, string? parent = null, string? type = null, bool autoStart = false, CancellationToken cancellationToken = default)
    {
        RequireStoreForWriting();
        (string Parent, string Type)? active = null;
        if (uuid is { } given)
        {
            active = Sysfs(() => _sys.ResolveDevice(given));
            if (parent is null && (active is null || type is not null))
            {
                throw new MdevctlException(Errno.EINVAL, "No parent specified");
            }
        }

        parent ??= active?.Parent ?? throw new MdevctlException(Errno.EINVAL, "No parent specified");
        type ??= active?.Type ?? throw new MdevctlException(Errno.EINVAL, "No type specified");
        var id = uuid ?? Guid.NewGuid();
        CheckParentName(parent);
        if (_store.IsDefined(parent, id))
        {
            throw new MdevctlException(Errno.EEXIST, $"Device {Uuids.Format(id)} on {parent} already defined");
        }

        var config = new MdevDeviceConfig(type, autoStart);
        if (active is not null && await _callouts.GetAttributesAsync(id, parent, type, cancellationToken).ConfigureAwait(false) is { } attributes)
        {
            config = config with { Attributes = attributes }; // mdevctl 1.2.0 asks before the pre callout
        }

        return await _callouts.InvokeAsync(CalloutAction.Define, id, parent, config, () =>
        {
            _store.Create(parent, id, config);
            return Task.FromResult(id);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>mdevctl define [-u uuid] -p parent --jsonfile F</c>: stores a definition's content as it is; sysfs is not looked at.</summary>
    /// <param name="uuid">The UUID, or null to generate one.</param>
    /// <param name="parent">The parent.</param>
    /// <param name="config">The content (e.g. <see cref="MdevDeviceConfig.LoadAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call-outs.</param>
    /// <returns>The UUID of the definition.</returns>
    /// <exception cref="MdevctlException"><c>Cowardly refusing to overwrite existing config for P/U</c> (<c>EEXIST</c>), the configuration directory's errors.</exception>
    public async Task<Guid> DefineAsync(Guid? uuid, string parent, MdevDeviceConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        RequireStoreForWriting();
        if (parent is null)
        {
            throw new MdevctlException(Errno.EINVAL, "Parent device required to define device via json file");
        }

        CheckParentName(parent);
        var id = uuid ?? Guid.NewGuid();
        if (_store.IsDefined(parent, id))
        {
            throw new MdevctlException(Errno.EEXIST, $"Cowardly refusing to overwrite existing config for {parent}/{Uuids.Format(id)}");
        }

        return await _callouts.InvokeAsync(CalloutAction.Define, id, parent, config, () =>
        {
            _store.Create(parent, id, config);
            return Task.FromResult(id);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>mdevctl modify -u uuid [-p parent] …</c>: changes a definition's type, start mode or attributes (one added at an
    /// index or at the end, or one deleted at an index or the last). Running devices are unaffected.
    /// </summary>
    /// <param name="uuid">The definition's UUID.</param>
    /// <param name="parent">The parent, needed when the UUID is defined on several.</param>
    /// <param name="modification">What to change.</param>
    /// <param name="cancellationToken">Cancels the call-outs.</param>
    /// <returns>The definition as stored now.</returns>
    /// <exception cref="MdevctlException"><c>Mediated device [P/]U is not defined</c> (<c>ENOENT</c>), <c>Multiple definitions found for U, specify a parent</c>,
    /// <c>Attribute index N is invalid</c> (<c>EINVAL</c>), the configuration directory's errors.</exception>
    public async Task<MdevDeviceConfig> ModifyAsync(Guid uuid, string? parent, MdevModification modification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modification);
        RequireStoreForWriting();
        var id = Uuids.Format(uuid);
        var defs = _store.Scan(uuid, parent);
        if (defs.Count == 0)
        {
            throw new MdevctlException(Errno.ENOENT, parent is null ? $"Mediated device {id} is not defined" : $"Mediated device {parent}/{id} is not defined");
        }

        if (defs.Count > 1)
        {
            throw new MdevctlException(Errno.EINVAL, $"Multiple definitions found for {id}, specify a parent");
        }

        var def = defs[0];
        var attributes = def.Config.Attributes.ToList();
        if (modification.AddAttribute is { } add)
        {
            int at = modification.Index ?? attributes.Count;
            if (at < 0 || at > attributes.Count)
            {
                throw new MdevctlException(Errno.EINVAL, $"Attribute index {at} is invalid");
            }

            attributes.Insert(at, add);
        }
        else if (modification.DeleteAttribute && attributes.Count > 0)
        {
            int at = modification.Index ?? attributes.Count - 1;
            if (at < 0 || at >= attributes.Count)
            {
                throw new MdevctlException(Errno.EINVAL, $"Attribute index {at} is invalid");
            }

            attributes.RemoveAt(at);
        }

        var config = new MdevDeviceConfig(modification.Type ?? def.Config.Type, modification.AutoStart ?? def.Config.AutoStart, attributes);
        return await _callouts.InvokeAsync(CalloutAction.Modify, uuid, def.Parent, config, () =>
        {
            _store.Replace(def.Parent, uuid, config);
            return Task.FromResult(config);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>mdevctl undefine -u uuid [-p parent]</c>: deletes the definition on every parent (or on one). A running device stays.</summary>
    /// <param name="uuid">The UUID.</param>
    /// <param name="parent">Only this parent's definition, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call-outs.</param>
    /// <returns>The parents whose definition was deleted.</returns>
    /// <exception cref="MdevctlException"><c>No devices match the specified uuid</c> (<c>ENOENT</c>), the configuration directory's errors.</exception>
    public async Task<IReadOnlyList<string>> UndefineAsync(Guid uuid, string? parent = null, CancellationToken cancellationToken = default)
    {
        RequireStoreForWriting();
        var defs = _store.Scan(uuid, parent);
        if (defs.Count == 0)
        {
            throw new MdevctlException(Errno.ENOENT, "No devices match the specified uuid");
        }

        var removed = new List<string>();
        foreach (var d in defs)
        {
            await _callouts.InvokeAsync(CalloutAction.Undefine, uuid, d.Parent, d.Config, () =>
            {
                _store.Delete(d.Parent, uuid);
                return Task.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);
            removed.Add(d.Parent);
        }

        return removed;
    }

    /// <summary>Writing needs the configuration directory even when reading does not (<see cref="MdevControlOptions.RequireConfigDirectory"/>).</summary>
    private void RequireStoreForWriting()
    {
        if (!_store.Check())
        {
            throw new MdevctlException(Errno.ENOENT, $"Required directory \"{_store.Directory}\" doesn't exist. This may indicate a packaging or installation error");
        }
    }

    private static void CheckParentName(string parent)
    {
        if (!SysfsNameIsValid(parent) || parent == DefinitionStore.ScriptsDirectory)
        {
            throw new MdevctlException(Errno.EINVAL, $"Invalid parent name '{parent}'");
        }
    }
}
