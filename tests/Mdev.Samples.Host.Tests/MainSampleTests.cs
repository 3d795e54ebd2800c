namespace Mdev.Samples.Host.Tests;

/// <summary>Runs the README's first command (the built mdev-sim) and checks what it prints.</summary>
public sealed class MainSampleTests
{
    [Fact]
    public async Task MainSample_WalksAVmmSessionOnMtty_WithTheKernelsTextAndErrno()
    {
        var (exit, output, errors) = await RunAsync();
        errors.Should().BeEmpty();
        exit.Should().Be(0);

        var lines = output.Split('\n');
        lines.Should().Contain("/sys/class/mdev_bus/mtty -> ../../devices/virtual/mtty/mtty");
        lines.Should().Contain(l => l.StartsWith("mtty-2   Dual port serial     vfio-pci    12", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("mtty-2   Dual port serial     vfio-pci    11", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("mtty-1   Single port serial   vfio-pci    22", StringComparison.Ordinal));
        output.Should().Contain("mdev_type   -> ../mdev_supported_types/mtty-2");
        output.Should().Contain("driver      -> ../../../../../bus/mdev/drivers/mtty");
        output.Should().Contain("This is MDEV 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
        output.Should().Contain("File exists").And.Contain("(EEXIST)").And.Contain("Invalid argument").And.Contain("Permission denied");
        output.Should().Contain("GET_DEVICE_FD(83b8f4f2-509f-382f-3c1e-e6bfe0fa1001): flags Pci, 9 regions, 5 IRQ indexes");
        output.Should().Contain("vendor:device = 0x4348:0x3253, class 0x070002, rev 0x10");
        output.Should().Contain("BAR0 sizing: wrote 0xffffffff, read 0xfffffff9 -> I/O BAR of 8 bytes");
        output.Should().Contain("BAR0 programmed: wrote 0xc150, read 0xc151");
        output.Should().Contain("received \"hello\" with 5 interrupts");
        output.Should().Contain("destination FIFO holds \"mdev\"; state identical: yes");
        output.Should().Contain("source now Stop, destination Running");
        output.Should().Contain("/sys/bus/mdev/devices has 0 entries");
        lines.Where(l => l.StartsWith("mtty-2 ", StringComparison.Ordinal)).Last().Should().EndWith("12");
    }

    [Fact]
    public async Task UnknownArguments_PrintUsage_AndExitWith2()
    {
        var (exit, _, errors) = await RunAsync("bogus");
        exit.Should().Be(2);
        errors.Should().StartWith("mdev-sim: Unrecognized command or argument 'bogus'.\nusage: mdev-sim");
    }

    private static Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => MdevSimProcess.RunAsync(args);
}
