using System.Diagnostics;
using System.Runtime.InteropServices;
using Mdev.Core;
using Mdev.Fuse;

namespace Mdev.Samples.Host;

/// <summary>
/// <c>mdev-sim run [--host FILE] [--control SOCKET] [--udev] -- CMD ARGS</c>: runs CMD on a simulated host, in a private
/// mount namespace where <c>/sys</c> is the host's FUSE mount and <c>/etc/mdevctl.d</c> a private tmpfs with
/// <c>scripts.d/callouts</c> and <c>scripts.d/notifiers</c>; exits with CMD's status.
/// </summary>
/// <remarks>
/// <para>A .NET process has threads, and <c>unshare(CLONE_NEWNS)</c> refuses a multi-threaded caller, so <c>run</c>
/// starts itself again under <c>unshare -m --propagation private</c> (the hidden <c>run-in-namespace</c>). Every
/// mount is made inside that namespace, so none is ever visible outside it; CMD is started through
/// <c>setpriv --pdeathsig KILL</c> from a thread that lives until CMD exits, so when the server is killed CMD dies with
/// it, the namespace empties and its mounts go with it: no "Transport endpoint is not connected" left behind.</para>
/// <para><c>--udev</c> emulates mdevctl's udev rule: on <c>change</c> with <c>MDEV_STATE=registered</c> for a parent
/// that has a directory in <c>/etc/mdevctl.d</c>, it runs <c>mdevctl start-parent-mdevs &lt;parent&gt;</c> (and
/// waits for it before the next event).</para>
/// </remarks>
internal static class RunCommand
{
    public const string InnerVerb = "run-in-namespace";

    /// <summary>The namespace's mounts, then CMD in place of the shell (<c>$1</c> the FUSE mount, the rest CMD); 125 when a mount fails.</summary>
    private const string SetUpScript =
        "mount --bind \"$1\" /sys || exit 125\n" +
        "mount -t tmpfs -o mode=0755 mdevctl.d /etc/mdevctl.d || exit 125\n" +
        "mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers || exit 125\n" +
        "shift\nexec \"$@\"\n";

    /// <summary>The outer process: re-executes itself in a private mount namespace and relays signals and the status.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = RunArguments.Parse(args, out var error);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: {error}\n{RunArguments.Usage}");
            return 2;
        }

        var start = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "--", .. Self(), InnerVerb, .. parsed.Format()])
        {
            UseShellExecute = false,
        };
        using var child = Process.Start(start)!;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        await child.WaitForExitAsync();
        return child.ExitCode;

        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                // The namespaced server stops CMD and unmounts before it exits.
                child.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Inside the namespace: the host, the mounts, CMD.</summary>
    public static async Task<int> RunInNamespaceAsync(string[] args)
    {
        var parsed = RunArguments.Parse(args, out var error);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: {error}");
            return 2;
        }

        SimulatedHost host;
        try
        {
            host = await SimulatedHost.StartAsync(parsed.HostFile, parsed.ControlSocket);
        }
        catch (MdevException ex)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: {ex.Message}");
            return 125;
        }

        await using var owned = host;
        var root = Directory.CreateTempSubdirectory("mdev-sim-run-");
        try
        {
            using var mount = SysfsMount.Mount(host.Core.Sysfs, root.CreateSubdirectory("sys").FullName, new SysfsMountOptions { AllowOther = Environment.IsPrivilegedProcess });
            using var stopUdev = new CancellationTokenSource();
            var udev = parsed.Udev ? Task.Run(() => EmulateUdevAsync(host.Core, stopUdev.Token)) : Task.CompletedTask;
            int status = await RunCommandAsync(mount.MountPoint, parsed.Command);
            await stopUdev.CancelAsync();
            await udev;

            // The bind over /sys keeps the FUSE connection alive: it goes first (lazily), then the mount itself.
            if (await Shell("umount", "-l", "/sys") is { } failed)
            {
                await Console.Error.WriteLineAsync($"mdev-sim run: {failed}");
            }

            return status;
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The command line that starts this program again (<c>dotnet exec mdev-sim.dll</c> or the apphost).</summary>
    private static string[] Self()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, "exec", Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll")]
            : [process];
    }

    /// <summary>
    /// Runs CMD through <c>setpriv --pdeathsig KILL</c>, started from a thread that lives until CMD exits (the death
    /// signal follows the thread that forked), behind a small shell that makes the namespace's mounts first: this
    /// process, the FUSE server, never touches <c>/sys</c> itself once it is its own mount.
    /// </summary>
    private static Task<int> RunCommandAsync(string mountPoint, IReadOnlyList<string> command)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var child = Process.Start(new ProcessStartInfo("setpriv", ["--pdeathsig", "KILL", "--", "sh", "-c", SetUpScript, "mdev-sim-run", mountPoint, .. command]) { UseShellExecute = false })!;
                child.WaitForExit();
                done.SetResult(child.ExitCode);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Console.Error.WriteLine($"mdev-sim run: cannot start {command[0]}: {ex.Message}");
                done.SetResult(127);
            }
        })
        {
            IsBackground = true,
            Name = "mdev-sim run: command",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>mdevctl's udev rule: <c>ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="/etc/mdevctl.d/$kernel"</c> runs <c>mdevctl start-parent-mdevs %k</c>.</summary>
    private static async Task EmulateUdevAsync(MdevCore core, CancellationToken cancellationToken)
    {
        using var listener = core.SubscribeUevents();
        try
        {
            await foreach (var uevent in listener.Reader.ReadAllAsync(cancellationToken))
            {
                if (uevent.Action != UeventAction.Change || uevent["MDEV_STATE"] != "registered")
                {
                    continue;
                }

                var parent = uevent.DevPath[(uevent.DevPath.LastIndexOf('/') + 1)..];
                if (Directory.Exists("/etc/mdevctl.d/" + parent) && await Shell("mdevctl", "start-parent-mdevs", parent) is { } failed)
                {
                    await Console.Error.WriteLineAsync($"mdev-sim run: udev: {failed}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // CMD has exited.
        }
    }

    /// <summary>Runs a helper; null when it succeeded, else what it said.</summary>
    private static async Task<string?> Shell(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {(await stderr).Trim()}";
    }
}
