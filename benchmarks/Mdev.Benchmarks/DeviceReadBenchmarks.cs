using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Remote;
using Microsoft.Win32.SafeHandles;

namespace Mdev.Benchmarks;

/// <summary>
/// The VFIO I/O path: a 4-byte BAR0 read through the device file, next to a direct call of the same vendor code
/// (the baseline), one <c>pread</c> of 4 bytes on <c>/dev/zero</c> (the floor of any kernel VFIO access), and the same
/// read as a VMM outside .NET makes it: <c>pread64</c> of the preload library (loaded here with <c>dlopen</c>, so its
/// exports are called directly) over the UNIX socket to a <see cref="VfioRemoteServer"/> in this process.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(FiguresConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet calls GlobalCleanup, which disposes it")]
public unsafe partial class DeviceReadBenchmarks
{
    private VfioRemoteServer _server = null!;
    private string _socketDirectory = null!;
    private delegate* unmanaged<int, byte*, nuint, long, nint> _preloadPread;
    private int _remoteFd;

    private readonly byte[] _buffer = new byte[4];
    private RegisterVendor _vendor = null!;
    private MdevDevice _mdev = null!;
    private VfioDevice _device = null!;
    private SafeFileHandle _zero = null!;

    [GlobalSetup]
    public void Setup()
    {
        var core = new MdevCore();
        var vfio = new VfioModule(core);
        vfio.RegisterVendorDriver("bench_mdev");
        _vendor = new RegisterVendor();
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/bench/bench", deviceClass: "bench"), _vendor);
        _mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        var container = vfio.OpenContainer();
        var group = vfio.OpenGroup(vfio.FindGroup(_mdev)!.Id);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        _device = group.GetDeviceFile(_mdev.Name);
        _zero = File.OpenHandle("/dev/zero", FileMode.Open, FileAccess.Read);
        SetupRemote(vfio, core.CreateMdevDevice(parent.Types[0], Guid.NewGuid()));
        if (DirectVendorCall() != DeviceFileRead() || PreloadSocketRead() != 4)
        {
            throw new InvalidOperationException("the paths disagree");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _device.Dispose();
        _zero.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_socketDirectory, recursive: true);
    }

    /// <summary>The vendor's Read called directly: what the device file adds is measured against this.</summary>
    [Benchmark(Baseline = true)]
    public int DirectVendorCall() => _vendor.Read(_mdev, _buffer, 0x10);

    /// <summary>A 4-byte pread through the VFIO device file.</summary>
    [Benchmark]
    public int DeviceFileRead() => _device.Read(_buffer, 0x10);

    /// <summary>One pread(2) of 4 bytes on /dev/zero: a real syscall, the floor of a kernel VFIO access.</summary>
    [Benchmark]
    public int PreadDevZero() => RandomAccess.Read(_zero, _buffer, 0);

    /// <summary>A 4-byte pread64 through the preload library and the socket, answered by the served device file.</summary>
    [Benchmark]
    public long PreloadSocketRead()
    {
        fixed (byte* b = _buffer)
        {
            return _preloadPread(_remoteFd, b, 4, 0x10);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    private void SetupRemote(VfioModule vfio, MdevDevice mdev)
    {
        _socketDirectory = Directory.CreateTempSubdirectory("mdev-bench-").FullName;
        _server = new VfioRemoteServer(vfio, Path.Join(_socketDirectory, "vfio.sock"));
        SetEnv(VfioRemoteServer.SocketVariable, _server.SocketPath, 1); // what the preload's getenv reads
        var lib = NativeLibrary.Load(VfioRemoteServer.PreloadLibraryPath);
        var open = (delegate* unmanaged<byte*, int, int>)NativeLibrary.GetExport(lib, "open64");
        var ioctl = (delegate* unmanaged<int, nuint, void*, int>)NativeLibrary.GetExport(lib, "ioctl");
        _preloadPread = (delegate* unmanaged<int, byte*, nuint, long, nint>)NativeLibrary.GetExport(lib, "pread64");
        const int ORdwr = 2;
        int Open(string path)
        {
            fixed (byte* p = System.Text.Encoding.UTF8.GetBytes(path + "\0"))
            {
                return open(p, ORdwr);
            }
        }

        int container = Open("/dev/vfio/vfio");
        int group = Open($"/dev/vfio/{vfio.FindGroup(mdev)!.Id}");
        fixed (byte* name = System.Text.Encoding.UTF8.GetBytes(mdev.Name + "\0"))
        {
            if (container < 0 || group < 0 || ioctl(group, VfioIoctl.GroupSetContainer, &container) != 0 ||
                ioctl(container, VfioIoctl.SetIommu, (void*)VfioExtension.Type1v2Iommu) != 0 ||
                (_remoteFd = ioctl(group, VfioIoctl.GroupGetDeviceFd, name)) < 0)
            {
                throw new InvalidOperationException($"the served device did not open: {Marshal.GetLastSystemError()}");
            }
        }
    }
}
