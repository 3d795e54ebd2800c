using System.Globalization;
using BenchmarkDotNet.Attributes;
using Mdev.Core;

namespace Mdev.Benchmarks;

/// <summary>
/// Reading a type's <c>available_instances</c>: formatting the count directly (baseline), reading the file by its
/// canonical path, and reading it through the compatibility class link <c>/sys/class/mdev_bus/bench</c> (one symlink to walk).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(FiguresConfig))]
public class SysfsReadBenchmarks
{
    private const string DirectPath = BenchSetup.DevicePath + "/mdev_supported_types/" + BenchSetup.TypeName + "/available_instances";
    private const string ClassLinkPath = "/sys/class/mdev_bus/bench/mdev_supported_types/" + BenchSetup.TypeName + "/available_instances";

    private MdevCore _core = null!;
    private MdevType _type = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        (_core, _, _type) = BenchSetup.Create();

        // Fail fast if the paths are wrong rather than benchmarking an exception.
        var direct = _core.Sysfs.Read(DirectPath);
        var viaLink = _core.Sysfs.Read(ClassLinkPath);
        var expected = FormatDirectly();
        if (direct != expected || viaLink != expected)
        {
            throw new InvalidOperationException($"available_instances mismatch: direct '{direct}', via link '{viaLink}', expected '{expected}'");
        }
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _core.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary><see cref="MdevType.AvailableInstances"/> formatted with a newline: what the file's show callback produces, without sysfs.</summary>
    [Benchmark(Baseline = true)]
    public string FormatDirectly() => _type.AvailableInstances.ToString(CultureInfo.InvariantCulture) + "\n";

    /// <summary><see cref="Mdev.Core.Sysfs.SysfsTree.Read"/> on <c>/sys/devices/virtual/bench/bench/mdev_supported_types/bench-1/available_instances</c>.</summary>
    [Benchmark]
    public string SysfsRead() => _core.Sysfs.Read(DirectPath);

    /// <summary><see cref="Mdev.Core.Sysfs.SysfsTree.Read"/> on <c>/sys/class/mdev_bus/bench/mdev_supported_types/bench-1/available_instances</c>.</summary>
    [Benchmark]
    public string SysfsReadViaClassLink() => _core.Sysfs.Read(ClassLinkPath);
}
