using BenchmarkDotNet.Running;

namespace Mdev.Benchmarks;

/// <summary>
/// Entry point: pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>-- --filter '*'</c>; or
/// <c>-- --memory-per-device N</c> to print managed bytes per live device; <c>-- --alloc-per-create-remove N</c> for the
/// bytes one create + remove allocates; or <c>-- --scale-probe N</c> for a quick
/// look at a create + remove with N live.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--memory-per-device")
        {
            MemoryPerDevice.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        if (args.Length == 2 && args[0] == "--alloc-per-create-remove")
        {
            AllocationPerCreateRemove.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        if (args.Length == 2 && args[0] == "--scale-probe")
        {
            ScaleProbe.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
