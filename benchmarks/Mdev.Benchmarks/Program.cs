using BenchmarkDotNet.Running;

namespace Mdev.Benchmarks;

/// <summary>
/// Entry point: pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>-- --filter '*'</c>; or
/// <c>-- --memory-per-device N</c> to print managed bytes per live device.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
