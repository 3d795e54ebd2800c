using System.Diagnostics;
using System.Text;
using Mdev.Fuse;
using Mdev.Samples.Mtty;
using Mdev.Vfio.Remote.Tests.Support;

namespace Mdev.Vfio.Remote.Tests;

/// <summary>
/// Debian's QEMU 7.2 (TCG) boots Debian's 6.1 kernel with <c>-device vfio-pci,sysfsdev=&lt;mount&gt;/bus/mdev/devices/&lt;uuid&gt;</c>
/// on the C# mtty, through the preload library and the socket, with <c>/sys</c> served by Mdev.Fuse from this process.
/// </summary>
public sealed class QemuTests : IAsyncLifetime
{
    private static readonly Guid A = Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa5001");
    private static readonly Guid B = Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa5002");
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(150);
    private RemoteHost _host = null!;
    private SysfsMount _mount = null!;

    public Task InitializeAsync()
    {
        _ = Guest.Prepared; // fetch and pack once, before any timing starts
        _host = new RemoteHost();
        _mount = SysfsMount.Mount(_host.Core.Sysfs, Directory.CreateDirectory(Path.Join(_host.WorkDirectory, "sys")).FullName);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _mount.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>
    /// Two mdevs in one VM (mtty-2 at 05.0, mtty-1 at 06.0): the guest's 8250_pci binds both as 4348:3253 with driver
    /// serial, every port is a 16550A, and the bytes the guest writes to each port reach the model's own FIFO. The
    /// devices can be removed right after QEMU exits.
    /// </summary>
    [Fact]
    public async Task Boot_TwoMttys_GuestBindsSerial_EveryPortIs16550A_BytesReachTheModel_RemovalAfterExit()
    {
        var two = _host.Create(A, "mtty-2");
        var one = _host.Create(B, "mtty-1");
        var (lines, qemu) = await RunToExitAsync("loop", A, B);

        lines.Should().Contain("T: pci 0000:00:05.0 0x4348:0x3253 class=0x070002 driver=serial");
        lines.Should().Contain("T: pci 0000:00:06.0 0x4348:0x3253 class=0x070002 driver=serial");
        var ports = lines.Where(l => l.StartsWith("T: dmesg 0000:00:0", StringComparison.Ordinal)).ToArray();
        ports.Should().HaveCount(3).And.OnlyContain(l => l.EndsWith("is a 16550A", StringComparison.Ordinal));
        ports.Count(l => l.Contains("0000:00:05.0", StringComparison.Ordinal)).Should().Be(2);
        lines.Should().Contain("T: done");
        qemu.ExitCode.Should().Be(0);

        // What the guest wrote to each port arrived in that port's FIFO in the C# model (mtty loops TX into RX).
        foreach (var (mdev, port) in new[] { (two, 0), (two, 1), (one, 0) })
        {
            var fifo = Encoding.ASCII.GetString(((MttyDevice)mdev.DriverData!).Ports[port].Fifo);
            (fifo + fifo).Should().Contain("mdev-loop-ttyS", $"port {port} of {mdev.Name} saw the guest's line");
        }

        (await RemoveAsync(A)).Should().BeTrue();
        (await RemoveAsync(B)).Should().BeTrue();
    }

    /// <summary>
    /// <c>echo 1 &gt; remove</c> while the guest runs: mtty has no REQ interrupt (GET_IRQ_INFO(REQ) is EINVAL, as in
    /// the kernel sample), so QEMU 7.2 registers no request notifier, the removal waits (the modern policy) and QEMU
    /// and its guest go on, unaware. SIGKILL of QEMU then releases everything and the removal completes.
    /// </summary>
    [Fact]
    public async Task RemoveWhileGuestRuns_Waits_QemuIgnoresIt_ThenSigkillReleases_AndRemovalCompletes()
    {
        _host.Create(A, "mtty-2");
        using var qemu = StartQemu("wait", A);
        var output = new List<string>();
        await ReadUntilAsync(qemu, output, "T: ready");
        output.Should().Contain("T: pci 0000:00:05.0 0x4348:0x3253 class=0x070002 driver=serial");
        _host.Server.ConnectedPids.Should().Contain(qemu.Id);

        var remove = Task.Run(() => File.WriteAllText(Path.Join(_mount.MountPoint, $"bus/mdev/devices/{A}/remove"), "1\n"));
        var waited = await Task.WhenAny(remove, Task.Delay(TimeSpan.FromSeconds(3)));
        waited.Should().NotBe(remove, "the device is open in QEMU, so the removal waits");
        qemu.HasExited.Should().BeFalse("QEMU 7.2 has no request notifier for mtty and keeps running");

        qemu.Kill();
        await qemu.WaitForExitAsync().WaitAsync(Boot);
        (await Task.WhenAny(remove, Task.Delay(Boot))).Should().Be(remove, "SIGKILL released the device file");
        await remove;
        _host.Core.FindDevice(A).Should().BeNull();
        _host.Server.ConnectedPids.Should().BeEmpty();
    }

    private Process StartQemu(string mode, params Guid[] devices)
    {
        var info = Guest.Qemu(mode, devices.Select(u => Path.Join(_mount.MountPoint, $"bus/mdev/devices/{u}")));
        info.Environment["LD_PRELOAD"] = VfioRemoteServer.PreloadLibraryPath;
        info.Environment[VfioRemoteServer.SocketVariable] = _host.Server.SocketPath;
        return Process.Start(info)!;
    }

    private async Task<(List<string> Lines, Process Qemu)> RunToExitAsync(string mode, params Guid[] devices)
    {
        var qemu = StartQemu(mode, devices);
        var stderr = qemu.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            await ReadUntilAsync(qemu, lines, null);
            await qemu.WaitForExitAsync().WaitAsync(Boot);
        }
        catch
        {
            qemu.Kill();
            throw;
        }

        lines.Should().NotBeEmpty(await stderr);
        return (lines, qemu);
    }

    private static async Task ReadUntilAsync(Process qemu, List<string> lines, string? last)
    {
        using var timeout = new CancellationTokenSource(Boot);
        while (await qemu.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.IndexOf("T: ", StringComparison.Ordinal);
            if (at >= 0)
            {
                lines.Add(line[at..].TrimEnd('\r'));
                if (lines[^1] == last)
                {
                    return;
                }
            }
        }

        last.Should().BeNull("the guest should have printed it before QEMU ended");
    }

    private async Task<bool> RemoveAsync(Guid uuid)
    {
        var remove = Task.Run(() => File.WriteAllText(Path.Join(_mount.MountPoint, $"bus/mdev/devices/{uuid}/remove"), "1\n"));
        return await Task.WhenAny(remove, Task.Delay(TimeSpan.FromSeconds(60))) == remove && remove.IsCompletedSuccessfully;
    }
}
