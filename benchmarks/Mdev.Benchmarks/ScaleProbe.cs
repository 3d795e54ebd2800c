using System.Diagnostics;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Benchmarks;

/// <summary>
/// <c>--scale-probe N</c>: a quick look (not a benchmark) at one create + remove with N devices live, vfio bound: the
/// mean over 20,000 cycles, the garbage collections they caused by generation, and the GC pause per cycle.
/// </summary>
internal static class ScaleProbe
{
    public static void Run(int live)
    {
        var (core, _, type) = BenchSetup.Create();
        new VfioModule(core).RegisterVendorDriver("bench_mdev");
        for (int i = 0; i < live; i++)
        {
            core.CreateMdevDevice(type, Guid.NewGuid());
        }

        var uuid = Guid.NewGuid();
        for (int i = 0; i < 2000; i++)
        {
            core.CreateMdevDevice(type, uuid);
            core.RemoveMdevDevice(uuid);
        }

        GC.Collect();
        int[] before = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var paused = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        const int Cycles = 20_000;
        for (int i = 0; i < Cycles; i++)
        {
            core.CreateMdevDevice(type, uuid);
            core.RemoveMdevDevice(uuid);
        }

        clock.Stop();
        Console.WriteLine($"scale-probe live={live} mean={clock.Elapsed.TotalMicroseconds / Cycles:F2}us alloc={(GC.GetAllocatedBytesForCurrentThread() - allocated) / Cycles}B gc0={GC.CollectionCount(0) - before[0]} gc1={GC.CollectionCount(1) - before[1]} gc2={GC.CollectionCount(2) - before[2]} gcpause={(GC.GetTotalPauseDuration() - paused).TotalMicroseconds / Cycles:F2}us");
    }
}
