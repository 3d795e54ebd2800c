using Mdev.Core.Sysfs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mdev.Core;

/// <summary>
/// One simulated kernel's mdev module (<c>mdev.ko</c>) with the small device tree, sysfs and uevent plumbing it needs.
/// Any number of instances live side by side; each is thread-safe.
/// </summary>
/// <remarks>
/// <para>Vendor drivers add their device with <see cref="AddDevice(string, string?, string?, string?)"/> and register it as a parent with
/// <see cref="RegisterParent"/>; bus drivers (<c>vfio_mdev</c>) register with <see cref="RegisterDriver"/>. Devices
/// are created and removed through the typed API (<see cref="CreateMdevDevice"/>, <see cref="RemoveMdevDeviceAsync"/>)
/// or, identically, by writing <c>create</c> and <c>remove</c> in <see cref="Sysfs"/>.</para>
/// <para>Locks, as in the kernel: <c>_treeLock</c> guards the device tree;
/// <c>_parentListLock</c> (<c>parent_list_lock</c>) the parent list; <c>_mdevListLock</c> (<c>mdev_list_lock</c>) the
/// global UUID index and every device's state; <c>_driverLock</c> the bus's driver list; each <see cref="MdevParent"/>
/// its children, pool and <c>unreg_sem</c>; each <see cref="MdevDevice"/> its open count and binding. None of these is
/// held while vendor code runs, except the two the kernel also holds: a device's binding lock (<c>device_lock</c>) around
/// the bus driver's Probe/Remove, and its open lock (the VFIO <c>dev_set</c> mutex) around the vendor's Open/Release.
/// The I/O path (<see cref="MdevDeviceHandle"/>) takes none of them. Lock order: parent list, then tree;
/// mdev list, then a parent's lock; a device's binding lock, then the driver list; a device's binding lock, then the
/// uevent hub's (a leaf): a device's add, bind and unbind go out under its binding lock, so they keep its order.</para>
/// </remarks>
public sealed partial class MdevCore : IAsyncDisposable, IDisposable
{
    /// <summary>The mdev bus name.</summary>
    public const string BusName = "mdev";

    internal const string BusPath = "/sys/bus/mdev";

    // The driver core's default files as shared templates, each node made on its first lookup (SysfsTemplate). In this
    // file, in this order: static initialisers of one file run in textual order.

    /// <summary>
    /// A device's <c>power/</c> group with runtime PM unsupported (dpm_sysfs_add, mainline 6.x): <c>control</c> ("auto"
    /// or "on"), <c>runtime_status</c> "unsupported", and zero active/suspended times.
    /// </summary>
    private static readonly SysfsTemplate PowerFiles = new(
        SysfsTemplateEntry.Attribute<PowerControl>("control", SysfsModes.ReadWrite, static c => c.Value + "\n", static (c, text) =>
        {
            // control_store: sysfs_streq against "auto" and "on" (one trailing newline, the string ends at a NUL).
            c.Value = KernelText.SysfsStreq(text, "auto") ? "auto"
                : KernelText.SysfsStreq(text, "on") ? "on"
                : throw new MdevException(Errno.EINVAL, $"{c.DevicePath}/power/control: '{Printable(text)}' is neither auto nor on");
        }),
        SysfsTemplateEntry.Constant("runtime_status", "unsupported\n"),
        SysfsTemplateEntry.Constant("runtime_active_time", "0\n"),
        SysfsTemplateEntry.Constant("runtime_suspended_time", "0\n"));

    /// <summary><c>power/</c> as an entry of a device directory; its <c>control</c> state is made with it.</summary>
    private static readonly SysfsTemplateEntry PowerDirectory =
        SysfsTemplateEntry.Directory("power", PowerFiles, static (_, deviceDirectory) => new PowerControl(deviceDirectory.Path));

    /// <summary>An mdev's own files (mdev_device_create → device_add, mainline 6.x): <c>remove</c>, <c>uevent</c>, <c>subsystem</c>, <c>power/</c>.</summary>
    private static readonly SysfsTemplate MdevDeviceFiles = new(
        SysfsTemplateEntry.Attribute<MdevDevice>("remove", SysfsModes.WriteOnly, null, static (m, text) => m.Core.RemoveStore(m, text)),
        SysfsTemplateEntry.Attribute<MdevDevice>("uevent", SysfsModes.ReadWrite, static m => UeventShow(m.Driver?.Name), static (m, text) => m.Core.SynthesizeUevent(m.DevPath, BusName, m.Driver?.Name, text)),
        SysfsTemplateEntry.Link("subsystem", BusPath),
        PowerDirectory);

    // A tree device's default files, one template per (bus, class, has a dev_t); bounded by the buses and classes. Lock-free.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string? Bus, string? Class, bool Number), SysfsTemplate> _deviceFiles = new();

    private readonly Lock _treeLock = new();
    // Guarded by _treeLock. By path O(1); a subtree (a device and every device below it) in O(k) through each device's
    // nearest tree-device ancestor and children (found by looking up the path's prefixes, longest first, as spans); a
    // bus's or class's device names in O(1), so adding and deleting cost the same at any tree size. (A sorted set of
    // paths did it in O(log n), but each of its 17 levels at 100,000 devices is a cache miss on the node and one on the
    // path it compares, several walks a create + remove.)
    private readonly Dictionary<string, Device> _treeDevices = new(StringComparer.Ordinal);
    private readonly HashSet<(bool IsClass, string Space, string Name)> _treeNames = [];

    // Class name -> "/sys/class/<name>" (bounded by the number of classes); lock-free.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _classPaths = new(StringComparer.Ordinal);
    private readonly UeventHub _uevents = new();
    private readonly ILogger _logger;

    /// <summary>Creates an mdev core with an empty device tree: <c>/sys/devices</c>, <c>/sys/bus/mdev/{devices,drivers}</c>, <c>/sys/class</c>, <c>/sys/kernel</c>.</summary>
    /// <param name="options">Settings; null for the defaults (modern removal, 10 s request interval, system clock).</param>
    /// <param name="loggerFactory">Where log messages go; null for none.</param>
    public MdevCore(MdevCoreOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new MdevCoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.RequestInterval, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(Options.TimeProvider, nameof(options));
        if (Options.MdevTypeLinkDelay < TimeSpan.Zero || Options.RemoveDuration < TimeSpan.Zero)
        {
            throw new MdevException(Errno.EINVAL, $"core options: MdevTypeLinkDelay ({Options.MdevTypeLinkDelay}) and RemoveDuration ({Options.RemoveDuration}) cannot be negative");
        }

        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Mdev.Core");
        Sysfs = new SysfsTree { Faults = Faults };
        Sysfs.EnsureDirectory("/sys/devices");
        if (Options.MdevLoaded)
        {
            Sysfs.EnsureDirectory(BusPath + "/devices");
            Sysfs.EnsureDirectory(BusPath + "/drivers");
            AddBusFiles();
        }

        Sysfs.EnsureDirectory("/sys/class");
        Sysfs.EnsureDirectory("/sys/kernel");
    }

    /// <summary>The settings this core runs with.</summary>
    public MdevCoreOptions Options { get; }

    /// <summary>Faults on demand: steps of this core (and of the VFIO stack on it) made to fail on purpose.</summary>
    public FaultRegistry Faults { get; } = new();

    /// <summary>The simulated <c>/sys</c> of this core.</summary>
    public SysfsTree Sysfs { get; }

    internal ILogger Logger => _logger;

    /// <summary>Subscribes to this core's uevents.</summary>
    /// <param name="capacity">The buffer size in events; null for <see cref="MdevCoreOptions.UeventBufferCapacity"/>.</param>
    /// <returns>The listener; dispose it to unsubscribe.</returns>
    public UeventListener SubscribeUevents(int? capacity = null) => _uevents.Subscribe(capacity ?? Options.UeventBufferCapacity);

    /// <summary>
    /// Adds a device to the device tree, where a bus or class driver would: its directory (with <c>uevent</c> and
    /// <c>subsystem</c>), <c>/sys/bus/&lt;bus&gt;/devices/&lt;name&gt;</c>, the <c>driver</c> link and
    /// <c>/sys/bus/&lt;bus&gt;/drivers/&lt;driver&gt;/&lt;name&gt;</c>, and <c>/sys/class/&lt;class&gt;/&lt;name&gt;</c>.
    /// Sends <c>add</c> (and <c>bind</c> when a driver is given).
    /// </summary>
    /// <param name="sysfsPath">The absolute path below <c>/sys/devices/</c>, e.g. <c>/sys/devices/pci0000:00/0000:00:02.0</c>.</param>
    /// <param name="bus">The bus (<c>pci</c>, <c>css</c>, <c>matrix</c>), or null.</param>
    /// <param name="deviceClass">The class (<c>mtty</c>), or null.</param>
    /// <param name="driver">The bound driver (<c>i915</c>); needs a bus.</param>
    /// <returns>The device.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad path or name, a driver without a bus, or bus <c>mdev</c>; <c>EEXIST</c> when the path or the name on that bus or class is taken.</exception>
    public Device AddDevice(string sysfsPath, string? bus = null, string? deviceClass = null, string? driver = null) =>
        AddTreeDevice(sysfsPath, bus, deviceClass, driver, null, null);

    /// <summary>
    /// Adds a device on a bus that describes its devices (<c>bus_type.dev_groups</c>, <c>bus_type.uevent</c>,
    /// <c>device_type</c>): as <see cref="AddDevice(string, string?, string?, string?)"/>, plus the attribute groups of
    /// <paramref name="kind"/> in its directory, and its <c>DEVTYPE</c> and bus variables in its <c>uevent</c> file and in
    /// every uevent it sends (<c>add</c> without <c>DRIVER</c>, then <c>bind</c> with it, as <c>device_add</c> then the probe).
    /// </summary>
    /// <param name="sysfsPath">The absolute path below <c>/sys/devices/</c>, e.g. <c>/sys/devices/pci0000:00/0000:00:02.0</c>.</param>
    /// <param name="kind">What its bus and device type give it.</param>
    /// <param name="bus">The bus (<c>pci</c>, <c>css</c>, <c>ap</c>).</param>
    /// <param name="driver">The bound driver (<c>i915</c>), or null.</param>
    /// <returns>The device.</returns>
    /// <exception cref="MdevException">As <see cref="AddDevice(string, string?, string?, string?)"/>; <c>EINVAL</c> also for a bad attribute mode or name in <paramref name="kind"/>. Nothing is left behind.</exception>
    public Device AddDevice(string sysfsPath, DeviceKind kind, string bus, string? driver)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(bus);
        return AddTreeDevice(sysfsPath, bus, null, driver, null, kind);
    }

    /// <summary>
    /// Adds a device that has a character-device node (<c>device_create</c> with a <c>dev_t</c>): as
    /// <see cref="AddDevice(string, string?, string?, string?)"/>, plus its <c>dev</c> attribute (<c>"MAJOR:MINOR\n"</c>)
    /// and MAJOR, MINOR, DEVNAME in its uevents and its <c>uevent</c> file.
    /// </summary>
    /// <param name="sysfsPath">The absolute path below <c>/sys/devices/</c>.</param>
    /// <param name="deviceClass">Its class.</param>
    /// <param name="number">Its number and node name.</param>
    /// <returns>The device.</returns>
    /// <exception cref="MdevException">As <see cref="AddDevice(string, string?, string?, string?)"/>.</exception>
    public Device AddCharDevice(string sysfsPath, string deviceClass, DeviceNumber number) =>
        AddTreeDevice(sysfsPath, null, deviceClass, null, number, null);

    private Device AddTreeDevice(string sysfsPath, string? bus, string? deviceClass, string? driver, DeviceNumber? number, DeviceKind? kind)
    {
        var parts = SysfsPath.Split(sysfsPath ?? throw new MdevException(Errno.EINVAL, "add device: no path"));
        if (parts is null || parts.Count < 2 || parts[0] != "devices" || parts.Any(p => !SysfsPath.IsValidName(p)))
        {
            throw new MdevException(Errno.EINVAL, $"add device {sysfsPath}: the path must be an absolute path below /sys/devices/");
        }

        foreach (var (what, value) in new[] { ("bus", bus), ("class", deviceClass), ("driver", driver) })
        {
            if (value is not null && !SysfsPath.IsValidName(value))
            {
                throw new MdevException(Errno.EINVAL, $"add device {sysfsPath}: invalid {what} name '{value}'");
            }
        }

        if (driver is not null && bus is null)
        {
            throw new MdevException(Errno.EINVAL, $"add device {sysfsPath}: driver {driver} needs a bus");
        }

        if (bus == BusName)
        {
            throw new MdevException(Errno.EINVAL, $"add device {sysfsPath}: mdev devices are created through a type's create, not added");
        }

        var path = SysfsPath.Root + "/" + string.Join('/', parts);
        var device = new Device(this, path, bus, deviceClass, driver, number, kind);
        lock (_treeLock)
        {
            if (_treeDevices.ContainsKey(path))
            {
                throw new MdevException(Errno.EEXIST, $"add device {path}: already present");
            }

            if ((bus is not null && _treeNames.Contains(BusKey(bus, device.Name))) || (deviceClass is not null && _treeNames.Contains(ClassKey(deviceClass, device.Name))))
            {
                throw new MdevException(Errno.EEXIST, $"add device {path}: name {device.Name} is taken on {bus ?? deviceClass}");
            }

            AddToTreeLocked(device);
        }

        var changes = new SysfsChangeSet(Sysfs);
        try
        {
            Sysfs.EnsureDirectory(SysfsPath.DirectoryOf(path));
            changes.Directory(path, device.Name);

            // uevent, dev (with a dev_t), power/ and subsystem: shared per kind, made on first lookup.
            changes.Template(path, DeviceFiles(bus, deviceClass, number is not null), device);
            if (kind is not null)
            {
                changes.Groups(path, kind.Groups, device);
            }

            if (bus is not null)
            {
                Sysfs.EnsureDirectory($"/sys/bus/{bus}/devices");
                Sysfs.EnsureDirectory($"/sys/bus/{bus}/drivers");
                changes.Link($"/sys/bus/{bus}/devices/{device.Name}", path, device.Name);
                if (driver is not null)
                {
                    EnsureBusDriverFiles(bus, driver);
                    changes.Link($"/sys/bus/{bus}/drivers/{driver}/{device.Name}", path, device.Name);
                    changes.Link(path + "/driver", $"/sys/bus/{bus}/drivers/{driver}");
                }
            }

            if (deviceClass is not null)
            {
                Sysfs.EnsureDirectory(ClassPath(deviceClass));
                changes.Link($"/sys/class/{deviceClass}/{device.Name}", path, device.Name);
            }
        }
        catch
        {
            changes.Rollback();
            lock (_treeLock)
            {
                RemoveFromTreeLocked(device);
            }

            throw;
        }

        // device_add's add goes out before the probe binds the driver: no DRIVER in it yet.
        var events = new List<PendingUevent> { DeviceUevent(UeventAction.Add, device, null) };
        if (driver is not null)
        {
            events.Add(DeviceUevent(UeventAction.Bind, device, driver));
        }

        PublishDeviceUevents(events);
        return device;
    }

    /// <summary>
    /// Takes a device out of the tree (hot-unplug): unregisters it as a parent first when it is one (removing every
    /// child, which may wait for users), then deletes devices below it and its own nodes. Sends <c>unbind</c> and <c>remove</c>.
    /// </summary>
    /// <param name="device">A device of this core.</param>
    /// <returns>A task that completes when the device is gone.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a device of another core, <c>ENODEV</c> when already deleted.</exception>
    public async Task DeleteDeviceAsync(Device device)
    {
        CheckOwn(device);
        Device[] doomed;
        lock (_treeLock)
        {
            if (device.Deleted)
            {
                throw new MdevException(Errno.ENODEV, $"delete device {device.SysfsPath}: already deleted");
            }

            // The device and every device below it, through the children of each.
            var below = new List<Device> { device };
            for (int i = 0; i < below.Count; i++)
            {
                if (below[i].TreeChildren is { } children)
                {
                    below.AddRange(children);
                }
            }

            doomed = [.. below];

            // Deepest first, as device_del would have to (children before their parent).
            Array.Sort(doomed, static (a, b) => b.SysfsPath.Length.CompareTo(a.SysfsPath.Length));
            foreach (var d in doomed)
            {
                d.Deleted = true;
                RemoveFromTreeLocked(d);
            }
        }

        foreach (var d in doomed)
        {
            // device_lock: a bind or unbind under way finishes first.
            await d.BindingLock.WaitAsync().ConfigureAwait(false);
            d.BindingLock.Release();
            await UnregisterParentAsync(d).ConfigureAwait(false);
            var events = new List<PendingUevent>();
            if (d.Bus is not null && d.Driver is not null)
            {
                Sysfs.TryRemove($"/sys/bus/{d.Bus}/drivers/{d.Driver}/{d.Name}");
                events.Add(DeviceUevent(UeventAction.Unbind, d, null));
            }

            if (d.Bus is not null)
            {
                Sysfs.TryRemove($"/sys/bus/{d.Bus}/devices/{d.Name}");
            }

            if (d.Class is not null)
            {
                Sysfs.TryRemove($"/sys/class/{d.Class}/{d.Name}");
            }

            Sysfs.TryRemove(d.SysfsPath);
            events.Add(DeviceUevent(UeventAction.Remove, d, null));
            PublishDeviceUevents(events);
        }
    }

    /// <summary>Every device of the tree (parents registered or not, bound or not), in path order.</summary>
    public IReadOnlyList<Device> TreeDevices
    {
        get
        {
            lock (_treeLock)
            {
                return _treeDevices.Values.OrderBy(d => d.SysfsPath, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Finds a device of the tree by its sysfs path.</summary>
    /// <param name="sysfsPath">The absolute path.</param>
    /// <returns>The device, or null.</returns>
    public Device? FindTreeDevice(string sysfsPath)
    {
        lock (_treeLock)
        {
            return _treeDevices.GetValueOrDefault(sysfsPath);
        }
    }

    /// <summary>Unregisters every parent (removing every device), as unloading the module would.</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var parent in Parents.Reverse())
        {
            await UnregisterParentAsync(parent.Device).ConfigureAwait(false);
        }
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/> (for containers disposed synchronously); blocks while children are in use.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // Keys of strings the device holds anyway (no key string of its own per device).
    private static (bool IsClass, string Space, string Name) BusKey(string bus, string name) => (false, bus, name);

    private static (bool IsClass, string Space, string Name) ClassKey(string deviceClass, string name) => (true, deviceClass, name);

    private void AddToTreeLocked(Device device)
    {
        // The nearest tree device above it: the longest proper prefix of its path that is one (a few hash lookups).
        var byPath = _treeDevices.GetAlternateLookup<ReadOnlySpan<char>>();
        var path = device.SysfsPath.AsSpan();
        for (int slash = path.LastIndexOf('/'); slash > 0; slash = path[..slash].LastIndexOf('/'))
        {
            if (byPath.TryGetValue(path[..slash], out var ancestor))
            {
                device.TreeParent = ancestor;
                (ancestor.TreeChildren ??= []).Add(device);
                break;
            }
        }

        _treeDevices.Add(device.SysfsPath, device);
        if (device.Bus is not null)
        {
            _treeNames.Add(BusKey(device.Bus, device.Name));
        }

        if (device.Class is not null)
        {
            _treeNames.Add(ClassKey(device.Class, device.Name));
        }
    }

    private void RemoveFromTreeLocked(Device device)
    {
        _treeDevices.Remove(device.SysfsPath);
        var parent = device.TreeParent;
        parent?.TreeChildren!.Remove(device);
        if (device.TreeChildren is { Count: > 0 } children)
        {
            // Not on a deletion (children go first); kept exact all the same: the children move up to its parent.
            foreach (var child in children)
            {
                child.TreeParent = parent;
                if (parent is not null)
                {
                    (parent.TreeChildren ??= []).Add(child);
                }
            }
        }

        device.TreeParent = null;
        device.TreeChildren = null;
        if (device.Bus is not null)
        {
            _treeNames.Remove(BusKey(device.Bus, device.Name));
        }

        if (device.Class is not null)
        {
            _treeNames.Remove(ClassKey(device.Class, device.Name));
        }
    }

    internal void CheckOwn(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Core != this)
        {
            throw new MdevException(Errno.EINVAL, $"{device.SysfsPath}: the device belongs to another MdevCore");
        }
    }

    /// <summary>
    /// A tree device's default files (device_add, mainline 6.x): <c>uevent</c>, <c>dev</c> when it has a <c>dev_t</c>,
    /// <c>power/</c>, and <c>subsystem</c> to its bus, else its class.
    /// </summary>
    private SysfsTemplate DeviceFiles(string? bus, string? deviceClass, bool number) =>
        _deviceFiles.GetOrAdd((bus, deviceClass, number), static (key, core) =>
        {
            var entries = new List<SysfsTemplateEntry>
            {
                SysfsTemplateEntry.Attribute<Device>("uevent", SysfsModes.ReadWrite, static d => UeventShow(d), static (d, text) => d.Core.SynthesizeUevent(d, text)),
                PowerDirectory,
            };
            if (key.Number)
            {
                entries.Add(SysfsTemplateEntry.Attribute<Device>("dev", SysfsModes.ReadOnly, static d => $"{d.Number!.Value.Major}:{d.Number.Value.Minor}\n", null));
            }

            if (key.Bus is not null)
            {
                entries.Add(SysfsTemplateEntry.Link("subsystem", "/sys/bus/" + key.Bus));
            }
            else if (key.Class is not null)
            {
                entries.Add(SysfsTemplateEntry.Link("subsystem", core.ClassPath(key.Class)));
            }

            return new SysfsTemplate([.. entries]);
        }, this);

    /// <summary><c>/sys/class/&lt;name&gt;</c>, one shared string per class (every class device links to it).</summary>
    private string ClassPath(string deviceClass) =>
        _classPaths.GetOrAdd(deviceClass, static c => "/sys/class/" + c);

    /// <summary><c>uevent_show</c>: <c>dev_uevent</c>'s variables (MAJOR, MINOR, DEVNAME, DEVTYPE, DRIVER, then the bus's).</summary>
    private static string UeventShow(Device device) =>
        string.Concat(device.UeventVariables(device.Driver).Select(kv => $"{kv.Key}={kv.Value}\n"));

    /// <summary>A uevent of a tree device: the caller's variables, then <c>dev_uevent</c>'s with <paramref name="driver"/> bound.</summary>
    internal static PendingUevent DeviceUevent(UeventAction action, Device device, string? driver, IReadOnlyList<KeyValuePair<string, string>>? extra = null) =>
        new(action, device.DevPath, device.Subsystem ?? string.Empty, null, [.. extra ?? [], .. device.UeventVariables(driver)]);

    /// <summary>
    /// Publishes uevents of tree devices, dropping those of a device with neither bus nor class (<c>dev_uevent_filter</c>:
    /// a root device such as <c>/sys/devices/pci0000:00</c> sends none).
    /// </summary>
    internal void PublishDeviceUevents(IReadOnlyList<PendingUevent> events)
    {
        _uevents.Publish([.. events.Where(e => e.Subsystem.Length > 0)]);
    }

    private static string UeventShow(string? driver) => driver is null ? string.Empty : $"DRIVER={driver}\n";

    /// <summary>
    /// Writing a device's <c>uevent</c> file (<c>kobject_synth_uevent</c>): <c>ACTION [UUID [KEY=VALUE ...]]</c> with one
    /// optional trailing newline; sends that action again with <c>SYNTH_UUID</c> (0 when none is given) and
    /// <c>SYNTH_ARG_KEY=VALUE</c> for each argument. Anything else is <c>EINVAL</c>.
    /// </summary>
    private void SynthesizeUevent(Device device, string text)
    {
        if (device.Subsystem is null)
        {
            // Parsed as for any device, then dropped by dev_uevent_filter.
            SynthesizeUevent(device.DevPath, string.Empty, null, text, publish: false);
            return;
        }

        SynthesizeUevent(device.DevPath, device.Subsystem, null, text, device.UeventVariables(device.Driver));
    }

    private void SynthesizeUevent(string devPath, string subsystem, string? driver, string text, IReadOnlyList<KeyValuePair<string, string>>? deviceVariables = null, bool publish = true)
    {
        // kobject_action_type: one trailing newline or NUL is dropped.
        var body = text.Length > 0 && text[^1] is '\n' or '\0' ? text[..^1] : text;
        int space = body.IndexOf(' ', StringComparison.Ordinal);
        var word = space < 0 ? body : body[..space];
        UeventAction? action = word switch
        {
            "add" => UeventAction.Add,
            "remove" => UeventAction.Remove,
            "change" => UeventAction.Change,
            "move" => UeventAction.Move,
            "online" => UeventAction.Online,
            "offline" => UeventAction.Offline,
            "bind" => UeventAction.Bind,
            "unbind" => UeventAction.Unbind,
            _ => null,
        };
        if (action is null)
        {
            throw new MdevException(Errno.EINVAL, $"uevent on {devPath}: unknown action '{Printable(word)}'");
        }

        var env = new List<KeyValuePair<string, string>>();
        var args = space < 0 ? [] : body[(space + 1)..].Split(' ');
        if (args.Length == 0)
        {
            env.Add(new("SYNTH_UUID", "0"));
        }
        else
        {
            if (!KernelText.TryParseUuid(args[0], out _) || args[0].Length != KernelText.UuidStringLength)
            {
                throw new MdevException(Errno.EINVAL, $"uevent on {devPath}: '{Printable(args[0])}' is not a UUID");
            }

            env.Add(new("SYNTH_UUID", args[0]));
            foreach (var arg in args.Skip(1))
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !arg[..eq].All(char.IsAsciiLetterOrDigit))
                {
                    throw new MdevException(Errno.EINVAL, $"uevent on {devPath}: '{Printable(arg)}' is not KEY=VALUE");
                }

                env.Add(new("SYNTH_ARG_" + arg[..eq], arg[(eq + 1)..]));
            }
        }

        env.AddRange(deviceVariables ?? []); // dev_uevent runs after the synthetic arguments
        if (publish)
        {
            _uevents.Publish(new PendingUevent(action.Value, devPath, subsystem, driver, env));
        }
    }

    private static string Printable(string text) => text.ReplaceLineEndings("\\n").Replace("\0", "\\0", StringComparison.Ordinal);
}
