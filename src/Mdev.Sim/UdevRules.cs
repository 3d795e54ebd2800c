using System.Diagnostics;
using System.Text;
using Mdev.Core;

namespace Mdev.Samples.Host;

/// <summary>
/// The properties the udev daemon of systemd 252, with Debian 12's rules (udev 252.39-1~deb12u2, mdevctl 1.2.0), adds
/// to a kernel uevent of the simulated host before it forwards it to listeners, in its order: the kernel's variables,
/// then <c>USEC_INITIALIZED</c> (<c>device_ensure_usec_initialized</c>: the time the daemon first saw the device, kept
/// in its database until <c>remove</c>), then what the rules import. The rules that match these devices:
/// <list type="bullet">
/// <item><c>50-udev-default.rules</c>: <c>SUBSYSTEM=="pci|usb|platform", IMPORT{builtin}="path_id"</c> gives the PCI
/// parents <c>ID_PATH=pci-&lt;address&gt;</c> and <c>ID_PATH_TAG</c> (the same with every other character than a
/// letter, digit or <c>-</c> made one <c>_</c>, as <c>udev-builtin-path_id.c</c> composes it).</item>
/// <item><c>60-mdevctl.rules</c> only RUNs <c>mdevctl start-parent-mdevs</c> (no property; <c>--udev</c> emulates it).</item>
/// <item>Not emulated: <c>ENV{MODALIAS}!="", IMPORT{builtin}="hwdb ..."</c> (the <c>ID_*_FROM_DATABASE</c> names from
/// the hardware database); no rule sets a tag on these devices, so there are no <c>TAGS</c>.</item>
/// </list>
/// The database (<c>/run/udev/data/&lt;device id&gt;</c>, where libudev reads a device's udev properties and whether it
/// is initialized) is written as <c>device_update_db</c> writes it: for a device with rule properties (or tags) the
/// lines <c>I:</c> (USEC_INITIALIZED), <c>E:KEY=VALUE</c> and <c>V:1</c>; for a character device with none an empty
/// file; for anything else no file; removed at <c>remove</c>. Ids as <c>device_get_device_id</c>: <c>c&lt;major&gt;:&lt;minor&gt;</c>
/// or <c>+&lt;subsystem&gt;:&lt;name&gt;</c>.
/// Not thread-safe: used by the one loop of <see cref="UdevDaemon"/>.
/// </summary>
internal sealed class UdevRules(string? database)
{
    /// <summary>The daemon's database in memory, as far as it matters here: DEVPATH to USEC_INITIALIZED.</summary>
    private readonly Dictionary<string, long> _initialized = new(StringComparer.Ordinal);

    private bool _warned;

    /// <summary>The properties of the event as the daemon forwards it.</summary>
    public List<KeyValuePair<string, string>> Apply(Uevent uevent)
    {
        var properties = new List<KeyValuePair<string, string>>(uevent.Environment);
        if (uevent.Action == UeventAction.Move && uevent["DEVPATH_OLD"] is { } old && _initialized.Remove(old, out var moved))
        {
            _initialized[uevent.DevPath] = moved;
        }

        if (!_initialized.TryGetValue(uevent.DevPath, out long usec))
        {
            usec = Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000); // CLOCK_MONOTONIC in µs, as udevd's now()
            _initialized[uevent.DevPath] = usec;
        }

        if (uevent.Action == UeventAction.Remove)
        {
            _initialized.Remove(uevent.DevPath); // device_delete_db
        }

        properties.Add(new("USEC_INITIALIZED", usec.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var fromRules = new List<KeyValuePair<string, string>>();
        if (uevent.Subsystem == "pci")
        {
            var path = "pci-" + uevent.DevPath[(uevent.DevPath.LastIndexOf('/') + 1)..];
            fromRules.Add(new("ID_PATH", path));
            fromRules.Add(new("ID_PATH_TAG", PathTag(path)));
        }

        properties.AddRange(fromRules);
        UpdateDatabase(uevent, usec, fromRules);
        return properties;
    }

    /// <summary><c>device_update_db</c>, or <c>device_delete_db</c> at remove.</summary>
    private void UpdateDatabase(Uevent uevent, long usec, List<KeyValuePair<string, string>> fromRules)
    {
        if (database is null || uevent.Subsystem == "drivers")
        {
            return; // "drivers" ids need the driver's subsystem too; such a device never has rule properties here
        }

        var (major, minor) = (uevent["MAJOR"], uevent["MINOR"]);
        bool devnum = major is not null && minor is not null && major != "0";
        var id = devnum ? $"{(uevent.Subsystem == "block" ? 'b' : 'c')}{major}:{minor}" : $"+{uevent.Subsystem}:{uevent.DevPath[(uevent.DevPath.LastIndexOf('/') + 1)..]}";
        var path = Path.Join(database, id);
        try
        {
            if (uevent.Action == UeventAction.Remove || (fromRules.Count == 0 && !devnum))
            {
                File.Delete(path);
                return;
            }

            var text = new StringBuilder();
            if (fromRules.Count > 0)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"I:{usec}\n");
                foreach (var (k, v) in fromRules)
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"E:{k}={v}\n");
                }

                text.Append("V:1\n");
            }

            var temporary = Path.Join(database, ".#" + id); // written whole, then renamed over, as fopen_temporary
            File.WriteAllText(temporary, text.ToString());
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_warned)
            {
                Console.Error.WriteLine($"mdev-sim run: udev: database {path}: {ex.Message} (further failures not reported)");
                _warned = true;
            }
        }
    }

    /// <summary>path_id's tag: letters, digits and <c>-</c> kept, any run of other characters one <c>_</c>, none at either end.</summary>
    internal static string PathTag(string path)
    {
        var tag = new StringBuilder(path.Length);
        foreach (char c in path)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                tag.Append(c);
            }
            else if (tag.Length > 0 && tag[^1] != '_')
            {
                tag.Append('_');
            }
        }

        while (tag.Length > 0 && tag[^1] == '_')
        {
            tag.Length--;
        }

        return tag.ToString();
    }
}
