using Mdev.Core;

namespace Mdev.Fuse.Tests.Support;

/// <summary>
/// A simulated host served by this test process: an <see cref="MdevCore"/> with an mtty-shaped parent
/// (<c>mtty</c>) and a vfio_ap-shaped one (<c>matrix</c>), mounted at a fresh temporary directory.
/// </summary>
internal sealed class FuseHost : IAsyncDisposable
{
    public const string MttyTypes = "/sys/class/mdev_bus/mtty/mdev_supported_types";
    public const string MatrixTypes = "/sys/class/mdev_bus/matrix/mdev_supported_types";

    private readonly DirectoryInfo _root;

    private FuseHost(DirectoryInfo root, MdevCore core, SysfsMount mount)
    {
        _root = root;
        Core = core;
        Mount = mount;
    }

    public MdevCore Core { get; }

    public SysfsMount Mount { get; }

    /// <summary>A directory outside the mount for scripts and files.</summary>
    public string WorkDirectory => _root.FullName;

    public static FuseHost Start()
    {
        var root = Directory.CreateTempSubdirectory("mdev-fuse-");
        var core = new MdevCore();
        try
        {
            core.RegisterDriver(new TestBusDriver("mtty"));
            core.RegisterDriver(new TestBusDriver("vfio_ap_mdev"));
            core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new SerialVendor());
            core.RegisterParent(core.AddDevice("/sys/devices/vfio_ap/matrix", bus: "matrix", driver: "vfio_ap"), new MatrixVendor());
            var mountPoint = root.CreateSubdirectory("sys").FullName;
            return new FuseHost(root, core, SysfsMount.Mount(core.Sysfs, mountPoint));
        }
        catch
        {
            core.Dispose();
            root.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Runs the commands in one private mount namespace with the mount at <c>/sys</c> (see <see cref="SysNamespace"/>).</summary>
    public Task<IReadOnlyList<CommandResult>> RunAsync(params string[] commands) =>
        SysNamespace.RunAsync(Mount.MountPoint, WorkDirectory, commands);

    /// <summary>Runs one command as <see cref="RunAsync"/> does.</summary>
    public async Task<CommandResult> RunOneAsync(string command) => (await RunAsync(command))[0];

    /// <summary>The tree's <c>available_instances</c> of a type, read in-process.</summary>
    public int Available(string typeDirectory) => int.Parse(Core.Sysfs.Read(typeDirectory + "/available_instances"), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Mount.Dispose();
        await Core.DisposeAsync();
        _root.Delete(recursive: true);
    }
}
