using Mdev.Core;
using Mdev.Samples.I915Gvt;
using Mdev.Samples.Mtty;
using Mdev.Samples.VfioAp;
using Mdev.Samples.VfioCcw;
using Mdev.Vfio;

namespace Mdev.Control.Tests.Support;

/// <summary>
/// A simulated host with the samples' vendor drivers — mtty, GVT-g at 0000:00:02.0 (V5_8 ×6, V5_4 ×3, V5_2 ×1), the
/// vfio-ccw subchannel 0.0.0313 and the vfio-ap matrix (queues 05.0047, 05.0048, 06.0047, 06.0048) — and a fresh
/// root whose <c>etc/mdevctl.d</c> holds <c>scripts.d/callouts</c> and <c>scripts.d/notifiers</c>, as mdevctl's package installs them.
/// </summary>
internal sealed class SimulatedHost : IAsyncDisposable
{
    public const string Gvt = "0000:00:02.0";
    public const string Ccw = "0.0.0313";
    public const string Ap = "matrix";

    private readonly DirectoryInfo _root;

    public SimulatedHost()
    {
        _root = Directory.CreateTempSubdirectory("mdev-control-");
        Core = new MdevCore();
        try
        {
            var vfio = new VfioModule(Core);
            Mtty.Register(Core, vfio);
            I915Gvt.Register(Core, vfio);
            VfioCcw.Register(Core, vfio);
            VfioAp.Register(Core, vfio);
        }
        catch
        {
            Core.Dispose();
            throw;
        }

        Directory.CreateDirectory(CalloutDirectory);
        Directory.CreateDirectory(NotifierDirectory);
    }

    public MdevCore Core { get; }

    /// <summary>The root given to <see cref="MdevControlOptions.Root"/>.</summary>
    public string Root => _root.FullName;

    public string ConfigDirectory => Path.Combine(Root, "etc", "mdevctl.d");

    public string CalloutDirectory => Path.Combine(ConfigDirectory, "scripts.d", "callouts");

    public string NotifierDirectory => Path.Combine(ConfigDirectory, "scripts.d", "notifiers");

    public MdevControl Control(Action<MdevControlOptions>? configure = null)
    {
        var options = new MdevControlOptions { Root = Root };
        configure?.Invoke(options);
        return new MdevControl(Core.Sysfs, options);
    }

    public string ConfigPath(string parent, Guid uuid) => Path.Combine(ConfigDirectory, parent, uuid.ToString());

    /// <summary>Every file below the config directory with its bytes, to prove that a failed call changed nothing.</summary>
    public IReadOnlyDictionary<string, string> ConfigSnapshot() =>
        Directory.Exists(ConfigDirectory)
            ? Directory.EnumerateFileSystemEntries(ConfigDirectory, "*", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .ToDictionary(p => p, p => File.Exists(p) ? File.ReadAllText(p) : "<dir>")
            : new Dictionary<string, string>();

    /// <summary>The active devices and every type's available_instances, to prove that a failed call changed nothing in sysfs.</summary>
    public string SysfsSnapshot()
    {
        var sysfs = Core.Sysfs;
        var lines = sysfs.ReadDirectory("/sys/bus/mdev/devices").Select(e => "dev " + e.Name).ToList();
        foreach (var parent in sysfs.ReadDirectory("/sys/class/mdev_bus"))
        {
            var types = $"/sys/class/mdev_bus/{parent.Name}/mdev_supported_types";
            foreach (var type in sysfs.ReadDirectory(types))
            {
                lines.Add($"{parent.Name}/{type.Name} {sysfs.Read($"{types}/{type.Name}/available_instances").Trim()}");
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Writes an executable script into a scripts directory.</summary>
    public static string WriteScript(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Core.DisposeAsync();
        _root.Delete(recursive: true);
    }
}
