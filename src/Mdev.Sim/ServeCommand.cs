using System.Runtime.InteropServices;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Fuse;
using Mdev.Vfio.Remote;

namespace Mdev.Samples.Host;

/// <summary>
/// <c>mdev-sim serve --mount &lt;dir&gt; [--host &lt;host.json&gt;] [--vfio-socket &lt;path&gt;] [--control &lt;socket&gt;]</c>: builds the simulated host (the built-in
/// <see cref="DefaultHost"/> or a <see cref="HostFile"/>), mounts its <c>/sys</c> at <c>&lt;dir&gt;</c> through
/// Mdev.Fuse, prints one line, and serves until SIGINT or SIGTERM (or an unmount from outside), then unmounts. With
/// <c>--vfio-socket &lt;path&gt;</c> it also serves <c>/dev/vfio</c> to a VMM (Mdev.Vfio.Remote) and prints, on a line of
/// its own, the <c>export LD_PRELOAD=… MDEV_VFIO_SOCKET=…</c> the VMM needs.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Runs the command.</summary>
    /// <returns>0 after a clean stop, 1 when the host or the mount failed, 2 for wrong arguments.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = ServeArguments.Parse(args, out var error);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"mdev-sim serve: {error}\n{ServeArguments.Usage}");
            return 2;
        }

        if (parsed.VfioSocket is not null && !File.Exists(VfioRemoteServer.PreloadLibraryPath))
        {
            await Console.Error.WriteLineAsync($"mdev-sim serve: --vfio-socket needs the preload library {VfioRemoteServer.PreloadLibraryPath}, which was not built (no gcc at build time: apt-get install gcc libc6-dev, then rebuild)");
            return 1;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        SimulatedHost host;
        try
        {
            host = await SimulatedHost.StartAsync(parsed.HostFile, parsed.ControlSocket);
        }
        catch (MdevException ex)
        {
            await Console.Error.WriteLineAsync($"mdev-sim serve: {ex.Message}");
            return 1;
        }

        await using var owned = host;
        var core = host.Core;
        SysfsMount mount;
        VfioRemoteServer? server = null;
        try
        {
            if (parsed.VfioSocket is not null)
            {
                server = new VfioRemoteServer(host.Vfio, parsed.VfioSocket);
            }

            mount = SysfsMount.Mount(core.Sysfs, parsed.MountPoint, new SysfsMountOptions { AllowOther = Environment.IsPrivilegedProcess });
        }
        catch (MdevException ex)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            await Console.Error.WriteLineAsync($"mdev-sim serve: {ex.Message}");
            return 1;
        }

        using (mount)
        {
            var parents = string.Join(", ", core.Parents.Select(p => p.Device.Name));
            var control = host.Control is null ? string.Empty : $", control at {host.Control.SocketPath}";
            Console.WriteLine($"mdev-sim: serving {core.Parents.Count} parent(s) ({parents}) at {mount.MountPoint}{control} (pid {Environment.ProcessId}); SIGINT or SIGTERM unmounts");
            if (server is not null)
            {
                Console.WriteLine(server.ExportLine);
            }

            await Task.WhenAny(stop.Task, mount.Unmounted);
            if (server is not null)
            {
                await server.DisposeAsync(); // every VMM still connected is released as at its exit
            }
        }

        Console.WriteLine($"mdev-sim: unmounted {mount.MountPoint}");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
