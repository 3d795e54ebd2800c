using System.Diagnostics;
using Mdev.Core;
using Mdev.Samples.Mtty;

namespace Mdev.Vfio.Remote.Tests.Support;

/// <summary>A simulated host with the C# mtty, served on a fresh socket by this test process.</summary>
internal sealed class RemoteHost : IAsyncDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mdev-remote-");

    public RemoteHost()
    {
        Core = new MdevCore();
        Vfio = new VfioModule(Core);
        Mtty.Register(Core, Vfio);
        Server = new VfioRemoteServer(Vfio, Path.Join(_work.FullName, "vfio.sock"));
    }

    public MdevCore Core { get; }

    public VfioModule Vfio { get; }

    public VfioRemoteServer Server { get; private set; }

    public string WorkDirectory => _work.FullName;

    public static string ClientPath => Path.Join(AppContext.BaseDirectory, "remote_client");

    /// <summary>Creates an mtty device of <paramref name="type"/> through sysfs, as mdevctl would.</summary>
    public MdevDevice Create(Guid uuid, string type = "mtty-2")
    {
        Core.Sysfs.Write($"{Mtty.ParentPath}/mdev_supported_types/{type}/create", uuid + "\n");
        return Core.FindDevice(uuid)!;
    }

    public int GroupOf(MdevDevice mdev) => Vfio.FindGroup(mdev)!.Id;

    /// <summary>Starts <paramref name="program"/> with the preload library and the socket in its environment.</summary>
    public Process Start(string program, IEnumerable<string> arguments, bool stdin = false)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LD_PRELOAD"] = VfioRemoteServer.PreloadLibraryPath;
        info.Environment[VfioRemoteServer.SocketVariable] = Server.SocketPath;
        return Process.Start(info)!;
    }

    /// <summary>Stops serving (the clients see the server gone).</summary>
    public ValueTask StopServerAsync() => Server.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Core.DisposeAsync();
        _work.Delete(recursive: true);
    }
}
