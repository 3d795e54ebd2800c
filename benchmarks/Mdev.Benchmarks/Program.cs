using BenchmarkDotNet.Running;

namespace Mdev.Benchmarks;

/// <summary>Entry point: pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>-- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
