using BenchmarkDotNet.Attributes;
using Mdev.Core;
using Mdev.Vfio;
using Microsoft.Win32.SafeHandles;

namespace Mdev.Benchmarks;

/// <summary>
/// The VFIO I/O path: a 4-byte BAR0 read through the device file, next to a direct call of the same vendor code
/// (the baseline) and one <c>pread</c> of 4 bytes on <c>/dev/zero</c> (the floor of any kernel VFIO access).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DeviceReadBenchmarks
{
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
        _vendor = new RegisterVendor();
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/bench/bench", deviceClass: "bench"), _vendor);
        _mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        var container = vfio.OpenContainer();
        var group = vfio.OpenGroup(vfio.FindGroup(_mdev)!.Id);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        _device = group.GetDeviceFile(_mdev.Name);
        _zero = File.OpenHandle("/dev/zero", FileMode.Open, FileAccess.Read);
        if (DirectVendorCall() != DeviceFileRead())
        {
            throw new InvalidOperationException("the two paths disagree");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _device.Dispose();
        _zero.Dispose();
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
}
