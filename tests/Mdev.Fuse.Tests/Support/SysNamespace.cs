using System.Globalization;
using System.Text;

namespace Mdev.Fuse.Tests.Support;

/// <summary>
/// Runs commands as on a host whose <c>/sys</c> is the mount: one <c>unshare -m</c> (a private mount namespace, so the
/// machine is untouched) where the FUSE directory is bind-mounted over <c>/sys</c> and a tmpfs over
/// <c>/etc/mdevctl.d</c> holds <c>scripts.d/callouts</c> and <c>scripts.d/notifiers</c>, as mdevctl requires. The
/// commands run in order, each in its own <c>bash</c>, in the same namespace (so mdevctl configs persist between them).
/// </summary>
internal static class SysNamespace
{
    public static async Task<IReadOnlyList<CommandResult>> RunAsync(string mountPoint, string workDirectory, IReadOnlyList<string> commands)
    {
        var run = Path.Combine(workDirectory, "ns-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(run);
        var script = new StringBuilder();
        script.Append("set -u\n");
        script.Append(CultureInfo.InvariantCulture, $"mount --bind '{mountPoint}' /sys || exit 90\n");
        script.Append("mount -t tmpfs tmpfs /etc/mdevctl.d || exit 91\n");
        script.Append("mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers || exit 92\n");
        script.Append("cd /\n");
        for (int i = 0; i < commands.Count; i++)
        {
            var file = Path.Combine(run, $"{i}.sh");
            await File.WriteAllTextAsync(file, commands[i] + "\n");
            script.Append(CultureInfo.InvariantCulture, $"bash '{file}' >'{run}/{i}.out' 2>'{run}/{i}.err'; echo $? >'{run}/{i}.rc'\n");
        }

        var main = Path.Combine(run, "main.sh");
        await File.WriteAllTextAsync(main, script.ToString());
        var result = await ChildProcess.RunAsync("unshare", "-m", "bash", main);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"namespace set-up failed: {result}");
        }

        var results = new CommandResult[commands.Count];
        for (int i = 0; i < commands.Count; i++)
        {
            results[i] = new CommandResult(
                commands[i],
                int.Parse(await File.ReadAllTextAsync($"{run}/{i}.rc"), CultureInfo.InvariantCulture),
                await File.ReadAllTextAsync($"{run}/{i}.out"),
                await File.ReadAllTextAsync($"{run}/{i}.err"));
        }

        return results;
    }
}
