using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Benchmarks;

/// <summary>
/// <c>--memory-per-device N</c>: managed heap bytes per live device, with and without VFIO, measured as the difference
/// of <see cref="GC.GetTotalMemory(bool)"/> (after full collections) around creating N devices, divided by N.
/// </summary>
internal static class MemoryPerDevice
{
    public static void Run(int count)
    {
        Console.WriteLine($"memory-per-device count={count} vfio={Measure(count, vfio: true)} novfio={Measure(count, vfio: false)}");
    }

    private static long Measure(int count, bool vfio)
    {
        var (core, _, type) = BenchSetup.Create();
        if (vfio)
        {
            new VfioModule(core).RegisterVendorDriver("bench_mdev");
        }

        // One device first, so one-time costs (first-use caches, the class directories) are not counted per device.
        core.CreateMdevDevice(type, Guid.NewGuid());
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < count; i++)
        {
            core.CreateMdevDevice(type, Guid.NewGuid());
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(core);
        return (after - before) / count;
    }
}
