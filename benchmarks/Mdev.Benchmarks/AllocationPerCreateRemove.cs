using System.Text;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Benchmarks;

/// <summary>
/// <c>--alloc-per-create-remove N</c>: managed bytes the calling thread allocates for one create + one remove (the
/// mean over N cycles after a warm-up), typed and through sysfs text, as <see cref="CreateRemoveBenchmarks"/> does
/// (no bus driver), and typed with the VFIO driver bound. A quick probe, not a benchmark: allocation only, no timing.
/// </summary>
internal static class AllocationPerCreateRemove
{
    public static void Run(int cycles)
    {
        Console.WriteLine($"alloc-per-create-remove cycles={cycles} typed={Typed(cycles, vfio: false)} sysfs={SysfsText(cycles)} typed-vfio={Typed(cycles, vfio: true)}");
    }

    private static long Typed(int cycles, bool vfio)
    {
        var (core, _, type) = BenchSetup.Create();
        if (vfio)
        {
            new VfioModule(core).RegisterVendorDriver("bench_mdev");
        }

        var uuid = Guid.NewGuid();
        return Measure(cycles, () =>
        {
            core.CreateMdevDevice(type, uuid);
            core.RemoveMdevDevice(uuid);
        });
    }

    private static long SysfsText(int cycles)
    {
        var (core, _, type) = BenchSetup.Create();
        var uuid = Guid.NewGuid();
        var create = type.SysfsPath + "/create";
        var remove = type.Parent.Device.SysfsPath + "/" + uuid.ToString("D") + "/remove";
        var text = Encoding.ASCII.GetBytes(uuid.ToString("D") + "\n");
        return Measure(cycles, () =>
        {
            core.Sysfs.Write(create, text);
            core.Sysfs.Write(remove, "1"u8);
        });
    }

    private static long Measure(int cycles, Action cycle)
    {
        for (int i = 0; i < Math.Min(cycles, 1000); i++)
        {
            cycle();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < cycles; i++)
        {
            cycle();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / cycles;
    }
}
