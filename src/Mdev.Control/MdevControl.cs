using System.Globalization;
using Mdev.Control.Internal;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mdev.Control;

/// <summary>
/// mdevctl 1.2.0 as a .NET API: mdev types with their live counts, active devices (sysfs is the truth), persistent
/// definitions in <c>&lt;root&gt;/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c>, and start, stop, define, modify, undefine and
/// start-parent-mdevs with mdevctl's checks, call-outs, files and error texts, so that this and the real mdevctl can
/// manage the same host side by side.
/// </summary>
/// <remarks>
/// Works over any <see cref="ISysfs"/>: <c>new DirectorySysfs("/sys")</c> on a real host, a simulated host's
/// <c>SysfsTree</c> in process, or a <c>DirectorySysfs</c> over a FUSE mount of one.
/// <para>Thread safety: an instance holds no mutable state and takes no lock. As with concurrent mdevctl processes,
/// each operation's deciding step is atomic where it happens — the kernel's <c>create</c>/<c>remove</c> store (a
/// second start of one UUID gets <c>EEXIST</c>), or the link or rename of a definition file (a second define of one
/// UUID gets <c>EEXIST</c>) — so concurrent calls, from here or from mdevctl, cannot corrupt a definition or leave a
/// device half-configured.</para>
/// </remarks>
public sealed partial class MdevControl
{
    private readonly SysfsView _sys;
    private readonly DefinitionStore _store;
    private readonly Callouts _callouts;
    private readonly MdevControlOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a control over <paramref name="sysfs"/>.</summary>
    /// <param name="sysfs">The host's sysfs: e.g. <c>new DirectorySysfs("/sys")</c>, or a simulated host's tree.</param>
    /// <param name="options">The root of <c>etc/mdevctl.d</c>, call-outs, waits and clock; null for the defaults.</param>
    /// <param name="logger">Where mdevctl's warnings and this library's steps go; null for none.</param>
    public MdevControl(ISysfs sysfs, MdevControlOptions? options = null, ILogger<MdevControl>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sysfs);
        _options = options ?? new MdevControlOptions();
        ArgumentException.ThrowIfNullOrEmpty(_options.Root, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _sys = new SysfsView(sysfs);
        _store = new DefinitionStore(_options.Root, _options.RequireConfigDirectory, _logger);
        _callouts = new Callouts(_store.Directory, _options.RunCallouts, _logger);
    }

    /// <summary>The directory of the definitions, <c>&lt;root&gt;/etc/mdevctl.d</c>.</summary>
    public string ConfigDirectory => _store.Directory;

    /// <summary>
    /// <c>mdevctl types [-p parent]</c>: every type of every parent in <c>/sys/class/mdev_bus</c> (or of one), sorted by
    /// parent then type. Symlinked type directories and stray files are skipped, as mdevctl skips them.
    /// </summary>
    /// <param name="parent">Only this parent (exact name), or null for all.</param>
    /// <param name="cancellationToken">Cancels between parents and types.</param>
    /// <returns>The types; empty without parents or without <c>/sys/class/mdev_bus</c>.</returns>
    /// <exception cref="MdevctlException">A parent without <c>mdev_supported_types</c>, a type without <c>device_api</c>
    /// (<c>No such file or directory (os error 2)</c>), or an <c>available_instances</c> that is not a number
    /// (<c>invalid digit found in string</c>): as in mdevctl, each fails the whole listing.</exception>
    public Task<IReadOnlyList<MdevTypeInfo>> ListTypesAsync(string? parent = null, CancellationToken cancellationToken = default)
    {
        var types = new List<MdevTypeInfo>();
        foreach (var entry in _sys.ReadDirectoryOrEmpty(SysfsView.ParentBase).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (parent is not null && entry.Name != parent)
            {
                continue;
            }

            var typesPath = SysfsView.TypesPath(entry.Name);
            foreach (var type in Sysfs(() => _sys.Sysfs.ReadDirectory(typesPath)).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (type.Kind != SysfsNodeKind.Directory)
                {
                    continue;
                }

                var dir = $"{typesPath}/{type.Name}";
                int available = ParseInstances(Sysfs(() => _sys.ReadTrimmed(dir + "/available_instances")));
                var api = Sysfs(() => _sys.ReadTrimmed(dir + "/device_api"));
                var name = Optional(dir + "/name");
                var description = Optional(dir + "/description")?.Replace("\n", ", ", StringComparison.Ordinal);
                types.Add(new MdevTypeInfo(entry.Name, type.Name, available, api, name, description));
            }
        }

        return Task.FromResult<IReadOnlyList<MdevTypeInfo>>(types);
    }

    /// <summary>
    /// <c>mdevctl list [-u uuid] [-p parent]</c>: the devices in <c>/sys/bus/mdev/devices</c>, sorted by parent then UUID,
    /// each with its definition's start mode and attributes, or for an undefined device the <c>get</c> callout's attributes.
    /// </summary>
    /// <param name="uuid">Only this device, or null.</param>
    /// <param name="parent">Only devices of this parent (the basename of the directory holding the device), or null.</param>
    /// <param name="cancellationToken">Cancels between devices.</param>
    /// <returns>The active devices.</returns>
    /// <exception cref="MdevctlException"><c>Device &lt;uuid&gt; is missing a parent</c> for a dangling or upper-case bus entry
    /// (<c>ENOENT</c>); the configuration directory's errors.</exception>
    public async Task<IReadOnlyList<MdevDeviceInfo>> ListActiveAsync(Guid? uuid = null, string? parent = null, CancellationToken cancellationToken = default)
    {
        bool haveStore = _store.Check();
        var devices = new List<MdevDeviceInfo>();
        foreach (var entry in Sysfs(() => _sys.ReadDirectoryOrEmpty(SysfsView.MdevBase)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Uuids.TryParse(entry.Name, out var id))
            {
                Log.NotAUuid(_logger, entry.Name);
                continue;
            }

            if (uuid is not null && id != uuid)
            {
                continue;
            }

            (string Parent, string Type)? found;
            try
            {
                found = _sys.ResolveDevice(id) ?? throw new MdevctlException(Errno.ENOENT, $"Device {Uuids.Format(id)} is missing a parent");
            }
            catch (MdevException ex) when (ex is not MdevctlException)
            {
                continue; // mdevctl's list swallows a realpath error (e.g. no mdev_type) and skips the device
            }

            var (p, t) = found.Value;
            if (parent is not null && p != parent)
            {
                continue;
            }

            var config = haveStore ? _store.ReadLenient(p, id, t) : null;
            IReadOnlyList<MdevConfigAttribute> attributes = config?.Attributes ?? [];
            if (config is null)
            {
                try
                {
                    attributes = await _callouts.GetAttributesAsync(id, p, t, cancellationToken).ConfigureAwait(false) ?? [];
                }
                catch (MdevctlException ex)
                {
                    Log.GetAttributesFailed(_logger, Uuids.Format(id), ex.Message);
                }
            }

            devices.Add(new MdevDeviceInfo(id, p, t, config?.AutoStart ?? false, Active: true, Defined: config is not null, attributes));
        }

        return Sort(devices);
    }

    /// <summary>
    /// <c>mdevctl list --defined [-u uuid] [-p parent]</c>: every definition, sorted by parent then UUID, active when
    /// sysfs has the device with the same parent and type. A UUID defined on several parents appears once per parent.
    /// </summary>
    /// <param name="uuid">Only this UUID, or null.</param>
    /// <param name="parent">Only definitions of this parent, or null.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The defined devices.</returns>
    /// <exception cref="MdevctlException"><c>invalid json</c> or a parse error for a definition that does not parse
    /// (<c>EINVAL</c>, as mdevctl fails the whole listing); the configuration directory's errors.</exception>
    public Task<IReadOnlyList<MdevDeviceInfo>> ListDefinedAsync(Guid? uuid = null, string? parent = null, CancellationToken cancellationToken = default)
    {
        var devices = new List<MdevDeviceInfo>();
        foreach (var d in _store.Scan(uuid, parent))
        {
            cancellationToken.ThrowIfCancellationRequested();
            devices.Add(Describe(d));
        }

        return Task.FromResult(Sort(devices));
    }

    private MdevDeviceInfo Describe(StoredDefinition d)
    {
        (string Parent, string Type)? live;
        try
        {
            live = _sys.ResolveDevice(d.Uuid);
        }
        catch (MdevException)
        {
            live = null;
        }

        bool active = live is { } l && l.Parent == d.Parent && l.Type == d.Config.Type;
        return new MdevDeviceInfo(d.Uuid, d.Parent, d.Config.Type, d.Config.AutoStart, active, Defined: true, d.Config.Attributes);
    }

    private static IReadOnlyList<MdevDeviceInfo> Sort(List<MdevDeviceInfo> devices) =>
        devices.OrderBy(d => d.Parent, StringComparer.Ordinal).ThenBy(d => Uuids.Format(d.Uuid), StringComparer.Ordinal).ToList();

    private string? Optional(string path)
    {
        if (!_sys.Exists(path))
        {
            return null;
        }

        var text = Sysfs(() => _sys.ReadTrimmed(path));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Rust's <c>str::parse::&lt;i32&gt;</c> of the trimmed text: an optional sign and decimal digits.</summary>
    private static int ParseInstances(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new MdevctlException(Errno.EINVAL, text.Length == 0 ? "cannot parse integer from empty string" : "invalid digit found in string");

    /// <summary>Runs a sysfs access, turning the kernel's errno into mdevctl's report of it.</summary>
    private static T Sysfs<T>(Func<T> access)
    {
        try
        {
            return access();
        }
        catch (MdevException ex)
        {
            throw OsErrors.Wrap(ex);
        }
    }
}
