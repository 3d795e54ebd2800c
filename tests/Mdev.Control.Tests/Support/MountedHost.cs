using System.Globalization;
using System.Text;
using Mdev.Core.Sysfs;
using Mdev.Fuse;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Control.Tests.Support;

/// <summary>
/// A <see cref="SimulatedHost"/> mounted through FUSE, for the real mdevctl 1.2.0: commands run in one <c>unshare -m</c>
/// namespace per call, where the mount is bound over <c>/sys</c> and the host's <c>&lt;root&gt;/etc/mdevctl.d</c> over
/// <c>/etc/mdevctl.d</c>, so mdevctl and an <see cref="MdevControl"/> with that root share one set of definitions.
/// </summary>
internal sealed class MountedHost : IAsyncDisposable
{
    private MountedHost(SimulatedHost host, SysfsMount mount)
    {
        Host = host;
        Mount = mount;
    }

    public SimulatedHost Host { get; }

    public SysfsMount Mount { get; }

    /// <summary>A directory outside the mount and the config tree, for JSON files and scripts.</summary>
    public string WorkDirectory => Path.Combine(Host.Root, "work");

    public static MountedHost Start()
    {
        var host = new SimulatedHost();
        try
        {
            var mountPoint = Directory.CreateDirectory(Path.Combine(host.Root, "sys")).FullName;
            Directory.CreateDirectory(Path.Combine(host.Root, "work"));
            return new MountedHost(host, SysfsMount.Mount(host.Core.Sysfs, mountPoint));
        }
        catch
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>An <see cref="MdevControl"/> that reads and writes sysfs through the FUSE mount, as it would a real <c>/sys</c>.</summary>
    public MdevControl Control() => new(new DirectorySysfs(Mount.MountPoint), new MdevControlOptions { Root = Host.Root });

    /// <summary>Runs the commands in order, each in its own <c>bash</c>, in one private mount namespace.</summary>
    public async Task<IReadOnlyList<CommandResult>> RunAsync(params string[] commands)
    {
        var run = Path.Combine(WorkDirectory, "ns-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(run);
        var script = new StringBuilder("set -u\n");
        script.Append(CultureInfo.InvariantCulture, $"mount --bind '{Mount.MountPoint}' /sys || exit 90\n");
        script.Append(CultureInfo.InvariantCulture, $"mount --bind '{Host.ConfigDirectory}' /etc/mdevctl.d || exit 91\n");
        script.Append("cd /\n");
        for (int i = 0; i < commands.Length; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(run, $"{i}.sh"), commands[i] + "\n");
            script.Append(CultureInfo.InvariantCulture, $"bash '{run}/{i}.sh' >'{run}/{i}.out' 2>'{run}/{i}.err'; echo $? >'{run}/{i}.rc'\n");
        }

        await File.WriteAllTextAsync(Path.Combine(run, "main.sh"), script.ToString());
        var result = await ChildProcess.RunAsync("unshare", "-m", "bash", Path.Combine(run, "main.sh"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"namespace set-up failed: {result}");
        }

        var results = new CommandResult[commands.Length];
        for (int i = 0; i < commands.Length; i++)
        {
            results[i] = new CommandResult(
                commands[i],
                int.Parse(await File.ReadAllTextAsync($"{run}/{i}.rc"), CultureInfo.InvariantCulture),
                await File.ReadAllTextAsync($"{run}/{i}.out"),
                await File.ReadAllTextAsync($"{run}/{i}.err"));
        }

        return results;
    }

    public async Task<CommandResult> RunOneAsync(string command) => (await RunAsync(command))[0];

    public async ValueTask DisposeAsync()
    {
        Mount.Dispose();
        await Host.DisposeAsync();
    }
}
