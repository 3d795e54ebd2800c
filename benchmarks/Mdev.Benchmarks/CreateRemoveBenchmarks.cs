using System.Text;
using BenchmarkDotNet.Attributes;
using Mdev.Core;

namespace Mdev.Benchmarks;

/// <summary>
/// One create + remove of an mdev device per operation, three ways: the vendor callbacks alone (baseline), the typed
/// API, and the sysfs text path (writing the UUID to <c>create</c>, then <c>1</c> to the device's <c>remove</c>).
/// Each operation removes what it created, so one fixed UUID serves every iteration.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(FiguresConfig))]
public class CreateRemoveBenchmarks
{
    private MdevCore _core = null!;
    private ParentOps _ops = null!;
    private MdevType _type = null!;
    private MdevDevice _vendorDevice = null!;
    private Guid _uuid;
    private string _createPath = null!;
    private string _removePath = null!;
    private byte[] _uuidLine = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        (_core, var ops, _type) = BenchSetup.Create();

        // Called through the abstract type, as the core calls it (a virtual call, not an inlined sealed one).
        _ops = ops;
        _uuid = Guid.NewGuid();
        _createPath = _type.SysfsPath + "/create";
        _removePath = BenchSetup.DevicePath + "/" + _uuid.ToString("D") + "/remove";
        _uuidLine = Encoding.ASCII.GetBytes(_uuid.ToString("D") + "\n");

        // MdevDevice has no public constructor: the baseline borrows a real one, created and removed again here so
        // every benchmark starts from the same tree (no device present). The bench vendor's callbacks ignore its state.
        var borrowed = Guid.NewGuid();
        _vendorDevice = _core.CreateMdevDevice(_type, borrowed);
        _core.RemoveMdevDevice(borrowed);
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _core.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>What the vendor itself costs: its Create and Remove callbacks, called directly.</summary>
    [Benchmark(Baseline = true)]
    public void VendorCallbacksOnly()
    {
        _ops.Create(_vendorDevice);
        _ops.Remove(_vendorDevice);
    }

    /// <summary><see cref="MdevCore.CreateMdevDevice"/> then <see cref="MdevCore.RemoveMdevDevice"/>.</summary>
    [Benchmark]
    public void TypedApi()
    {
        _core.CreateMdevDevice(_type, _uuid);
        _core.RemoveMdevDevice(_uuid);
    }

    /// <summary>Writes <c>&lt;uuid&gt;\n</c> to the type's <c>create</c>, then <c>1</c> to the new device's <c>remove</c>.</summary>
    [Benchmark]
    public void SysfsText()
    {
        _core.Sysfs.Write(_createPath, _uuidLine);
        _core.Sysfs.Write(_removePath, "1"u8);
    }
}
