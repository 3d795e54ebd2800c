using System.Diagnostics;
using System.Runtime.InteropServices;
using Mdev.Core;
using Mdev.Fuse;
using Mdev.Vfio.Remote;

namespace Mdev.Samples.Host;

/// <summary>
/// <c>mdev-sim run [--host FILE] [--control SOCKET] [--udev] -- CMD ARGS</c>: runs CMD on a simulated host, in a private
/// mount namespace where <c>/sys</c> is the host's FUSE mount and <c>/etc/mdevctl.d</c> a private tmpfs with
/// <c>scripts.d/callouts</c> and <c>scripts.d/notifiers</c>; exits with CMD's status.
/// </summary>
/// <remarks>
/// <para>A .NET process has threads, and <c>unshare(CLONE_NEWNS)</c> refuses a multi-threaded caller, so <c>run</c>
/// starts itself again under <c>unshare -m --propagation private</c> (the hidden <c>run-in-namespace</c>): the server's
/// namespace, where the tmpfs over <c>/etc/mdevctl.d</c> and the FUSE mount (in a temporary directory) are made, so
/// none is ever visible outside it.</para>
/// <para><b>The server never sees its own mount at <c>/sys</c>.</b> The bind of the FUSE mount over <c>/sys</c> is made
/// only in a second, nested namespace per started program (CMD, and the <c>mdevctl</c> of the udev emulation):
/// <c>unshare -m</c> then <c>mount --bind</c> in a small shell that then execs the program. The server's own
/// <c>/sys</c> stays the kernel's sysfs. It must: the .NET runtime itself reads <c>/sys</c> at moments nobody chooses
/// (for instance <c>/sys/devices/system/cpu/possible</c> from libcoreclr while it creates a thread, holding a runtime
/// lock), and a FUSE worker answering that read must take the same lock to enter the managed callback: the process
/// deadlocked on its own mount (seen with the runtime thread's kernel stack in <c>fuse_lookup</c> and every FUSE worker
/// waiting on a libcoreclr futex). No code in this process touches the mount point itself except
/// <see cref="SysfsMount"/>'s wake-up <c>stat</c> at unmount, on a thread of its own.</para>
/// <para>CMD is started through <c>setpriv --pdeathsig KILL</c> from a thread that lives until CMD exits, so when the
/// server is killed CMD dies with it, the namespaces empty and their mounts go with them: no "Transport endpoint is not
/// connected" left behind.</para>
/// <para>The server runs in a private network namespace too (<c>unshare -m -n</c>, <c>lo</c> brought up), where
/// <see cref="UdevDaemon"/> forwards every uevent as udevd would, on the udev netlink group, to CMD's listeners only;
/// a tmpfs over <c>/run/udev</c> with a <c>control</c> file makes libudev believe udev runs.
/// <c>--udev</c> adds mdevctl's udev rule to it: on <c>change</c> with <c>MDEV_STATE=registered</c> for a parent
/// that has a directory in <c>/etc/mdevctl.d</c>, it runs <c>mdevctl start-parent-mdevs &lt;parent&gt;</c> (and
/// waits for it before forwarding the event and going on to the next).</para>
/// </remarks>
internal static class RunCommand
{
    public const string InnerVerb = "run-in-namespace";

    /// <summary>
    /// Run in a nested mount namespace (<c>unshare -m</c>): binds the FUSE mount (<c>$1</c>) over <c>/sys</c> there only,
    /// appends the preload library (<c>$2</c>, when not empty) to <c>LD_PRELOAD</c> with <c>MDEV_SIM_SYSFS=/sys</c>, so
    /// <c>statfs</c> of <c>/sys</c> says sysfs, then becomes the program (the rest); 125 when the bind fails.
    /// </summary>
    private const string BindSysScript =
        "mount --bind \"$1\" /sys || exit 125\n" +
        "if [ -n \"$2\" ]; then LD_PRELOAD=\"${LD_PRELOAD:+$LD_PRELOAD:}$2\" MDEV_SIM_SYSFS=/sys; export LD_PRELOAD MDEV_SIM_SYSFS; fi\n" +
        "shift 2\nexec \"$@\"\n";

    /// <summary>The variable that tells the preload library where the simulated sysfs is mounted.</summary>
    public const string SysfsVariable = "MDEV_SIM_SYSFS";

    /// <summary>The outer process: re-executes itself in a private mount namespace and relays signals and the status.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = RunArguments.Parse(args, out var error);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: {error}\n{RunArguments.Usage}");
            return 2;
        }

        // -n: a private network namespace too, so the udev daemon's netlink events never reach the host's listeners.
        var start = new ProcessStartInfo("unshare", ["-m", "-n", "--propagation", "private", "--", .. Self(), InnerVerb, .. parsed.Format()])
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
        if ((await MakePrivateMdevctlDirectoryAsync() ?? await MakePrivateUdevRunDirectoryAsync()) is { } failed)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: {failed}");
            return 125;
        }

        await BringLoopbackUpAsync();

        if (Preload is null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: no {VfioRemoteServer.PreloadLibraryPath} (not built: no gcc at build time), so statfs of /sys says FUSE, not sysfs, and libudev refuses it");
        }

        var root = Directory.CreateTempSubdirectory("mdev-sim-run-");
        try
        {
            using var mount = SysfsMount.Mount(host.Core.Sysfs, root.CreateSubdirectory("sys").FullName, new SysfsMountOptions { AllowOther = Environment.IsPrivilegedProcess });
            using var stopUdev = new CancellationTokenSource();
            using var daemon = new UdevDaemon(host.Core, parsed.Udev ? uevent => RunMdevctlRuleAsync(uevent, mount.MountPoint) : null, "/run/udev/data");
            var udev = Task.Run(() => daemon.RunAsync(stopUdev.Token));
            int status = await RunCommandAsync(mount.MountPoint, parsed.Command);
            await stopUdev.CancelAsync();
            await udev;
            return status;
        }
        finally
        {
            try
            {
                // rmdir only, never a recursive walk: if the mount is still there, this is EBUSY, not a walk into it.
                Directory.Delete(Path.Combine(root.FullName, "sys"));
                root.Delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The mount could not be taken down (a program CMD left in the background still holds its namespace):
                // the two empty directories stay in /tmp; the mount goes when that program exits.
                await Console.Error.WriteLineAsync($"mdev-sim run: cannot remove {root.FullName}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// A tmpfs over <c>/etc/mdevctl.d</c> with <c>scripts.d/callouts</c> and <c>scripts.d/notifiers</c>, in the server's
    /// own namespace (a tmpfs, not the FUSE mount, so this process may touch it): the nested namespaces of CMD and of
    /// the udev emulation see the same directory, and so does <see cref="RunMdevctlRuleAsync"/>. Null when done.
    /// </summary>
    private static async Task<string?> MakePrivateMdevctlDirectoryAsync()
    {
        if (await Shell("mount", "-t", "tmpfs", "-o", "mode=0755", "mdevctl.d", "/etc/mdevctl.d") is { } failed)
        {
            return failed;
        }

        Directory.CreateDirectory("/etc/mdevctl.d/scripts.d/callouts");
        Directory.CreateDirectory("/etc/mdevctl.d/scripts.d/notifiers");
        return null;
    }

    /// <summary>
    /// A tmpfs over <c>/run/udev</c> with an empty <c>control</c> file and <c>data/</c>, in the server's namespace (so
    /// CMD's too): libudev (systemd 252, <c>device_monitor_new_full</c>) subscribes to the udev group only when
    /// <c>access("/run/udev/control", F_OK)</c> succeeds ("the udev service seems not to be active" otherwise). When the
    /// host has no <c>/run/udev</c> (no udev daemon), the empty directory is made there first, as the mount point, and
    /// left. Null when done.
    /// </summary>
    private static async Task<string?> MakePrivateUdevRunDirectoryAsync()
    {
        try
        {
            Directory.CreateDirectory("/run/udev");
            if (await Shell("mount", "-t", "tmpfs", "-o", "mode=0755", "udev", "/run/udev") is { } failed)
            {
                return failed;
            }

            await File.WriteAllBytesAsync("/run/udev/control", []);
            Directory.CreateDirectory("/run/udev/data");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"/run/udev: {ex.Message}";
        }
    }

    /// <summary>
    /// The private network namespace starts with <c>lo</c> down; up, so that CMD may use 127.0.0.1 as on a host. Only a
    /// warning when <c>ip</c> (iproute2) is missing or fails: nothing of <c>run</c> itself needs it.
    /// </summary>
    private static async Task BringLoopbackUpAsync()
    {
        string? failed;
        try
        {
            failed = await Shell("ip", "link", "set", "lo", "up");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            failed = $"ip: {ex.Message}";
        }

        if (failed is not null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: loopback stays down: {failed}");
        }
    }

    /// <summary>The argv that runs <paramref name="command"/> in a nested namespace whose <c>/sys</c> is the mount.</summary>
    private static string[] WithSimulatedSys(string mountPoint, IEnumerable<string> command) =>
        ["unshare", "-m", "--propagation", "private", "--", "sh", "-c", BindSysScript, "mdev-sim-run", mountPoint, Preload ?? string.Empty, .. command];

    /// <summary>
    /// The preload library (<c>mdev_vfio_preload.so</c>, built by Mdev.Vfio.Remote and copied next to this assembly),
    /// or null when it was not built (no gcc): then <c>statfs</c> of <c>/sys</c> says FUSE and libudev refuses it.
    /// </summary>
    private static string? Preload { get; } = File.Exists(VfioRemoteServer.PreloadLibraryPath) ? VfioRemoteServer.PreloadLibraryPath : null;

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
    /// signal follows the thread that forked), in a nested namespace whose <c>/sys</c> is the mount (this process's
    /// <c>/sys</c> stays the kernel's).
    /// </summary>
    private static Task<int> RunCommandAsync(string mountPoint, IReadOnlyList<string> command)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var child = Process.Start(new ProcessStartInfo("setpriv", ["--pdeathsig", "KILL", "--", .. WithSimulatedSys(mountPoint, command)]) { UseShellExecute = false })!;
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

    /// <summary>
    /// mdevctl's udev rule (<c>60-mdevctl.rules</c>): <c>ACTION=="change", ENV{MDEV_STATE}=="registered",
    /// TEST=="/etc/mdevctl.d/$kernel"</c> runs <c>mdevctl start-parent-mdevs %k</c> (in a nested namespace whose
    /// <c>/sys</c> is the mount, as CMD), waited for before the event goes to listeners, as udevd's worker does.
    /// </summary>
    private static async Task RunMdevctlRuleAsync(Uevent uevent, string mountPoint)
    {
        if (uevent.Action != UeventAction.Change || uevent["MDEV_STATE"] != "registered")
        {
            return;
        }

        var parent = uevent.DevPath[(uevent.DevPath.LastIndexOf('/') + 1)..];
        if (Directory.Exists("/etc/mdevctl.d/" + parent) && await Shell(WithSimulatedSys(mountPoint, ["mdevctl", "start-parent-mdevs", parent])) is { } failed)
        {
            await Console.Error.WriteLineAsync($"mdev-sim run: udev: {failed}");
        }
    }

    /// <summary>Runs a helper; null when it succeeded, else what it said.</summary>
    private static async Task<string?> Shell(params string[] argv)
    {
        var (program, args) = (argv[0], argv[1..]);
        var start = new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {(await stderr).Trim()}";
    }
}
