using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace Mdev.Benchmarks;

/// <summary>
/// Adds a CSV with ';' separators, times in ns and sizes in bytes without units, which <c>benchmarks/figures.sh</c>
/// (<see cref="DeviceReadBenchmarks"/>, <see cref="SysfsReadBenchmarks"/>, <see cref="CreateRemoveBenchmarks"/>) and
/// <c>benchmarks/scale-figures.sh</c> (<see cref="ScaleBenchmarks"/>) read to rewrite the README's figure blocks. BenchmarkDotNet's build of its generated project may take 10 minutes (its
/// default, 2, was too short on the shared 2-core machine: the "generated build failed" of an earlier run).
/// </summary>
public sealed class FiguresConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public FiguresConfig()
    {
        var style = SummaryStyle.Default
            .WithTimeUnit(TimeUnit.Nanosecond)
            .WithSizeUnit(SizeUnit.B)
            .WithCultureInfo(System.Globalization.CultureInfo.InvariantCulture);
        AddExporter(new CsvExporter(CsvSeparator.Semicolon, style));
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}
