using System.Diagnostics;

namespace Mdev.Samples.Host.Tests;

/// <summary>Runs the README's first command (the built mdev-sim) and checks what it prints.</summary>
public sealed class MainSampleTests
{
    [Fact]
    public async Task MainSample_WalksTheLifecycle_WithTheKernelsTextAndErrno()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll");
        File.Exists(dll).Should().BeTrue(dll);
        var start = new ProcessStartInfo("dotnet", ["exec", dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        var output = await stdout;
        (await stderr).Should().BeEmpty();
        process.ExitCode.Should().Be(0);

        var lines = output.Split('\n');
        lines.Should().Contain("mtty -> ../../devices/virtual/mtty/mtty");
        lines.Should().Contain(l => l.StartsWith("mtty-2   Dual port serial     vfio-pci   12", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("mtty-2   Dual port serial     vfio-pci   11", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("mtty-1   Single port serial   vfio-pci   22", StringComparison.Ordinal));
        output.Should().Contain("-> ../mdev_supported_types/mtty-2");
        output.Should().Contain("This is MDEV 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
        output.Should().Contain("write error: File exists").And.Contain("(EEXIST)");
        output.Should().Contain("write error: Invalid argument").And.Contain("(EINVAL)");
        output.Should().Contain("cat: create: Permission denied");
        output.Should().Contain("(0 entries)");
        lines.Where(l => l.StartsWith("KERNEL ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1])
            .Should().Equal("add", "bind", "unbind", "remove");
    }
}
