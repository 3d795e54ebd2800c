using System.Diagnostics;
using Mdev.Samples.Mtty;
using Mdev.Vfio.Remote.Tests.Support;

namespace Mdev.Vfio.Remote.Tests;

/// <summary>
/// The preload library and the server, judged by a C program of our own (<c>native/remote_client.c</c>) that calls
/// plain libc on <c>/dev/vfio/*</c>: errno exactness, fd translation, eventfds over SCM_RIGHTS, DMA into the client's
/// own memory, a server that goes away, and release at process exit.
/// </summary>
public sealed class ClientTests : IAsyncLifetime
{
    private static readonly Guid U = Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa3001");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private RemoteHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new RemoteHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Uapi_ThroughPreload_AnswersTheModelsErrnoAndValues_AndTheIntxEventfdWakesTheClient()
    {
        var mdev = _host.Create(U);
        var (code, lines, stderr) = await RunAsync("uapi", mdev);

        code.Should().Be(0, stderr);
        lines["open_missing_group"].Should().Be("ENOENT");
        lines["open_group"].Should().Be("OK");
        lines["open_group_again"].Should().Be("EBUSY");
        lines["group_status"].Should().Be("OK flags 1");
        lines["group_status_short_argsz"].Should().Be("EINVAL");
        lines["device_fd_before_container"].Should().Be("EINVAL");
        lines["api_version"].Should().Be("0");
        lines["check_type1v2"].Should().Be("1");
        lines["container_unknown_ioctl"].Should().Be("EINVAL"); // vfio_fops_unl_ioctl: -EINVAL with no IOMMU driver
        lines["set_container_not_vfio"].Should().Be("EBADFD");
        lines["set_container"].Should().Be("OK");
        lines["set_iommu"].Should().Be("OK");
        lines["device_fd_wrong_name"].Should().Be("ENODEV");
        lines["device_fd"].Should().Be("OK");
        lines["device_info"].Should().Be("OK flags 2 regions 9 irqs 5");
        lines["config_region"].Should().Be("OK size 255 offset 0x70000000000");
        lines["region_9"].Should().Be("EINVAL");
        lines["config_pread"].Should().Be("4 id 0x32534348");
        lines["mmap_device"].Should().Be("EINVAL");
        lines["set_irqs_closed_fd"].Should().Be("EBADF");
        lines["set_irqs_not_eventfd"].Should().Be("EINVAL");
        lines["set_irqs_intx"].Should().Be("OK");
        lines["tx"].Should().Be("1");
        lines["intx_poll"].Should().Be("1 count 1"); // the vendor's Signal reached the client's real eventfd
        lines["rx"].Should().Be("1 0x5a");
        lines["close_device"].Should().Be("OK");
        lines["ioctl_closed_device"].Should().Be("EBADF");

        var port = ((MttyDevice)mdev.DriverData!).Ports[0];
        port.Fifo.Should().Contain((byte)'Z', "the model's own FIFO carried the byte");
        (await RemoveAsync()).Should().BeTrue("the client exited, so nothing holds the device");
    }

    [Fact]
    public async Task Dma_VendorReadsAndWritesTheClientsOwnMemory()
    {
        var mdev = _host.Create(U);
        using var client = _host.Start(RemoteHost.ClientPath, [_host.GroupOf(mdev).ToString(System.Globalization.CultureInfo.InvariantCulture), U.ToString(), "dma"], stdin: true);
        string? line;
        while ((line = await client.StandardOutput.ReadLineAsync().WaitAsync(Patience)) is not null && !line.StartsWith("map_dma", StringComparison.Ordinal))
        {
        }

        line.Should().Be("map_dma OK");
        var read = new byte[4];
        mdev.Vfio().DmaRead(0x100000 + 4096, read);
        mdev.Vfio().DmaWrite(0x100000 + 4097, [0xaa, 0xbb]);
        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync();
        var rest = await client.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await client.WaitForExitAsync().WaitAsync(Patience);

        // The client filled byte i with i * 7 (mod 256); 4096 * 7 = 0 mod 256.
        read.Should().Equal(0x00, 0x07, 0x0e, 0x15);
        rest.Should().Be("ram 00 aa bb 15\n");
        client.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task ServerGone_EveryCallAnswersEnodev_WithoutHangOrSigpipe()
    {
        var mdev = _host.Create(U);
        using var client = _host.Start(RemoteHost.ClientPath, [_host.GroupOf(mdev).ToString(System.Globalization.CultureInfo.InvariantCulture), U.ToString(), "gone"], stdin: true);
        string? line;
        while ((line = await client.StandardOutput.ReadLineAsync().WaitAsync(Patience)) is not null && line != "ready")
        {
        }

        line.Should().Be("ready");
        await _host.StopServerAsync(); // the device file is released as at the client's exit
        (await RemoveAsync()).Should().BeTrue("a server that stopped released the client's device");
        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync();
        var lines = ClientOutput.Parse(await client.StandardOutput.ReadToEndAsync().WaitAsync(Patience));
        await client.WaitForExitAsync().WaitAsync(Patience);

        client.ExitCode.Should().Be(0);
        lines["after_gone_ioctl"].Should().Be("ENODEV");
        lines["after_gone_pread"].Should().Be("ENODEV");
        lines["after_gone_open"].Should().Be("ENODEV");
        lines["after_gone_close"].Should().Be("OK");
    }

    [Fact]
    public async Task SigkillOfTheClient_ReleasesEverything_SoRemovalProceeds()
    {
        var mdev = _host.Create(U);
        using var client = _host.Start(RemoteHost.ClientPath, [_host.GroupOf(mdev).ToString(System.Globalization.CultureInfo.InvariantCulture), U.ToString(), "gone"], stdin: true);
        while (await client.StandardOutput.ReadLineAsync().WaitAsync(Patience) is { } line && line != "ready")
        {
        }

        mdev.OpenCount.Should().Be(1);
        client.Kill();
        await client.WaitForExitAsync().WaitAsync(Patience);

        (await RemoveAsync()).Should().BeTrue();
        _host.Core.FindDevice(U).Should().BeNull();
    }

    private async Task<(int Code, Dictionary<string, string> Lines, string Stderr)> RunAsync(string mode, Mdev.Core.MdevDevice mdev)
    {
        using var client = _host.Start(RemoteHost.ClientPath, [_host.GroupOf(mdev).ToString(System.Globalization.CultureInfo.InvariantCulture), U.ToString(), mode]);
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        await client.WaitForExitAsync().WaitAsync(Patience);
        return (client.ExitCode, ClientOutput.Parse(await stdout), await stderr);
    }

    /// <summary>Removes the device through sysfs; false when it is still blocked after the patience.</summary>
    private async Task<bool> RemoveAsync()
    {
        var remove = Task.Run(() => _host.Core.Sysfs.Write($"/sys/bus/mdev/devices/{U}/remove", "1\n"));
        return await Task.WhenAny(remove, Task.Delay(Patience)) == remove && remove.IsCompletedSuccessfully;
    }
}
