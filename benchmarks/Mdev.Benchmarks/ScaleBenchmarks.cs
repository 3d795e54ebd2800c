using System.Text;
using BenchmarkDotNet.Attributes;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Benchmarks;

/// <summary>
/// Cost at scale: with <see cref="Live"/> devices already live (each bound to the VFIO mdev driver <c>bench_mdev</c>, so each has an IOMMU
/// group, its sysfs directory and a <c>vfio</c> class device), one create + remove and every lookup. The targets: a
/// create + remove at 100,000 live costs at most 1.5× the same at none; lookups O(1) or O(log n).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(FiguresConfig))]
public class ScaleBenchmarks
{
    private MdevCore _core = null!;
    private VfioModule _vfio = null!;
    private MdevType _type = null!;
    private MdevDevice _probe = null!;
    private Guid _uuid;
    private string _createPath = null!;
    private string _removePath = null!;
    private byte[] _uuidLine = null!;
    private string _probePath = null!;
    private int _probeGroup;

    /// <summary>How many devices are live while one is created and removed.</summary>
    [Params(0, 10_000, 100_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        (_core, _, _type) = BenchSetup.Create();
        _vfio = new VfioModule(_core);
        _vfio.RegisterVendorDriver("bench_mdev");
        for (int i = 0; i < Live; i++)
        {
            _core.CreateMdevDevice(_type, Guid.NewGuid());
        }

        // The lookups look for the device in the middle of the id range (or the only one when none is live).
        _probe = Live > 0 ? _core.Devices[Live / 2] : _core.CreateMdevDevice(_type, Guid.NewGuid());
        _probePath = _probe.SysfsPath + "/iommu_group";
        _probeGroup = _vfio.FindGroup(_probe)!.Id;
        _uuid = Guid.NewGuid();
        _createPath = _type.SysfsPath + "/create";
        _removePath = BenchSetup.DevicePath + "/" + _uuid.ToString("D") + "/remove";
        _uuidLine = Encoding.ASCII.GetBytes(_uuid.ToString("D") + "\n");
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _core.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary><see cref="MdevCore.CreateMdevDevice"/> then <see cref="MdevCore.RemoveMdevDevice"/>, bench_mdev bound.</summary>
    [Benchmark]
    public void CreateRemoveTyped()
    {
        _core.CreateMdevDevice(_type, _uuid);
        _core.RemoveMdevDevice(_uuid);
    }

    /// <summary>The same through the sysfs text files (<c>create</c>, then the device's <c>remove</c>).</summary>
    [Benchmark]
    public void CreateRemoveSysfs()
    {
        _core.Sysfs.Write(_createPath, _uuidLine);
        _core.Sysfs.Write(_removePath, "1"u8);
    }

    /// <summary>A device by UUID.</summary>
    [Benchmark]
    public MdevDevice? FindByUuid() => _core.FindDevice(_probe.Uuid);

    /// <summary>A device's IOMMU group.</summary>
    [Benchmark]
    public IommuGroup? FindGroupOfDevice() => _vfio.FindGroup(_probe);

    /// <summary>A group by id: open and close <c>/dev/vfio/&lt;id&gt;</c>.</summary>
    [Benchmark]
    public void OpenGroupById() => _vfio.OpenGroup(_probeGroup).Dispose();

    /// <summary>A sysfs path: <c>readlink</c> of the device's <c>iommu_group</c>.</summary>
    [Benchmark]
    public string ReadLinkBySysfsPath() => _core.Sysfs.ReadLink(_probePath);
}
