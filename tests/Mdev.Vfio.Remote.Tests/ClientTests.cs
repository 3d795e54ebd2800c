using System.Buffers;
using System.Diagnostics;
using System.Globalization;
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
    private static readonly Guid Destination = Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa3002");
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

    /// <summary>
    /// Migration v2 through the preload: each data_fd is a real descriptor in the client (read-only for saving,
    /// write-only for resuming, close-on-exec), and read/write/ioctl/close on it reach the model's stream with mtty's
    /// errno. The client saves one mtty and resumes the bytes into a second one, then pre-copies the first again.
    /// </summary>
    [Fact]
    public async Task Migration_DataFdsThroughThePreload_MoveTheStateToASecondDevice_AndPreCopyAnswersPrecopyInfo()
    {
        var source = _host.Create(U);
        var destination = _host.Create(Destination);
        using var client = _host.Start(
            RemoteHost.ClientPath,
            [Group(source), U.ToString(), "migrate", Group(destination), Destination.ToString()],
            stdin: true);
        var lines = await ReadUntilAsync(client, "ready");

        // Malformed first: a state that does not exist, and the calls a stream refuses.
        lines["mig_get"].Should().Be("OK state 2 fd -1");
        lines["mig_set_bad_state"].Should().Be("EINVAL");
        lines["stop_copy"].Should().Be("OK fd_ok 1 rdonly cloexec");
        lines["save_pread"].Should().Be("ESPIPE", "stream_open: a data_fd has no file position");
        lines["save_write"].Should().Be("EBADF", "the saving file is open read-only (VFS, before the driver)");
        lines["save_precopy_info_stop_copy"].Should().Be("EINVAL", "mtty_precopy_ioctl outside PRE_COPY");
        lines["save_unknown_ioctl"].Should().Be("ENOTTY");

        // mtty-2's stream: a 24-byte header and two 36-byte ports, read in 7-byte pieces, then 0 at the end.
        lines["saved"].Should().Be("96 last OK");
        lines["read_at_end"].Should().Be("0");
        lines["dest_stop"].Should().Be("OK");
        lines["resuming"].Should().Be("OK fd_ok 1 wronly cloexec");
        lines["resume_read"].Should().Be("EBADF");
        lines["resume_pwrite"].Should().Be("ESPIPE");
        lines["resume_precopy_info"].Should().Be("ENOTTY", "the resuming file has no ioctl");
        lines["resume_write"].Should().Be("48 48");
        lines["resume_stop"].Should().Be("OK");
        lines["resume_write_after_stop"].Should().Be("ENODEV", "RESUMING -> STOP disabled the stream");
        lines["close_resume"].Should().Be("OK");
        lines["source_stop"].Should().Be("OK");
        lines["save_read_after_stop"].Should().Be("ENODEV", "STOP_COPY -> STOP disabled the stream");
        lines["close_save"].Should().Be("OK");
        lines["read_closed_save"].Should().Be("EBADF");

        // Pre-copy: the header first, counted by PRECOPY_INFO; PRE_COPY -> STOP_COPY opens no new stream.
        lines["source_running"].Should().Be("OK");
        lines["pre_copy"].Should().Be("OK fd_ok 1 rdonly cloexec");
        lines["precopy_info_short"].Should().Be("EINVAL");
        lines["precopy_info"].Should().Be("OK initial 24 dirty 0");
        lines["precopy_info_after_read"].Should().Be("OK initial 16");
        lines["pre_copy_to_stop_copy"].Should().Be("OK state 3 fd -1");
        lines["precopy_info_in_stop_copy"].Should().Be("EINVAL");
        lines["pre_copy_saved"].Should().Be("96 same 1", "the ports follow the header on the same stream, as the stop-copy save");
        lines["pre_copy_source_stop"].Should().Be("OK");
        lines["pre_copy_read_after_stop"].Should().Be("ENODEV");
        lines["dest_running"].Should().Be("OK");

        // The model's own state: the destination's ports are now the source's, byte for byte.
        var from = (MttyDevice)source.DriverData!;
        var to = (MttyDevice)destination.DriverData!;
        from.Ports[0].Registers[7].Should().Be(0x5c, "the client's writes reached the source");
        from.Ports[0].Count.Should().Be(3);
        for (int port = 0; port < 2; port++)
        {
            PortState(to, port).Should().Equal(PortState(from, port), $"port {port} moved");
        }

        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync();
        var rest = await client.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await client.WaitForExitAsync().WaitAsync(Patience);
        client.ExitCode.Should().Be(0);
        rest.Should().Be("dest_regs lcr 03 scr 5c scr1 a5 rx MIG\n", "the client reads the migrated registers and FIFO back");
    }

    /// <summary>
    /// dup, dup2, dup3 and fcntl(F_DUPFD_CLOEXEC) of served fds name one open file, as the kernel's file table does:
    /// closing the original leaves the duplicate working, a dup2 over a served fd drops that name only, the device is
    /// open once however many names it has (also after two threads dup and close it 100,000 times each at once), and the
    /// last close releases it while the client still runs.
    /// </summary>
    [Fact]
    public async Task Dup_Dup2_Dup3_FcntlDupfd_ShareOneOpenFile_AndTheLastCloseReleasesTheDevice()
    {
        var mdev = _host.Create(U);
        using var client = _host.Start(RemoteHost.ClientPath, [Group(mdev), U.ToString(), "dup"], stdin: true);
        var lines = await ReadUntilAsync(client, "ready");

        lines["dup_bad"].Should().Be("EBADF");
        lines["dupfd_bad"].Should().Be("EBADF");
        lines["dup3_same"].Should().Be("EINVAL");
        lines["dup"].Should().Be("OK cloexec 0", "dup clears FD_CLOEXEC");
        lines["close_original"].Should().Be("OK");
        lines["ioctl_dup"].Should().Be("OK", "the duplicate keeps the device file open");
        lines["ioctl_closed_original"].Should().Be("EBADF");
        lines["dupfd_cloexec"].Should().Be("OK at_least_100 1 cloexec 1");
        lines["pread_dupfd"].Should().Be("4 id 0x32534348");
        lines["dup2_self"].Should().Be("1");
        lines["dup2_null_over_group_dup"].Should().Be("OK");
        lines["ioctl_replaced"].Should().Be("ENOTTY", "the name now stands for /dev/null, answered by the real kernel");
        lines["ioctl_group"].Should().Be("OK", "the group stays open through its first name");
        lines["dup3"].Should().Be("OK cloexec 1");
        lines["dup2_over_dup"].Should().Be("OK");
        lines["dup_threads"].Should().Be("rounds 200000 failures 0", "two threads naming and dropping the device at once");
        mdev.OpenCount.Should().Be(1, "four names, one open file, and no name left over or lost by the threads");

        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync();
        lines = await ReadUntilAsync(client, "closed");
        lines["close_d2"].Should().Be("OK");
        lines["close_d3"].Should().Be("OK");
        lines["ioctl_last"].Should().Be("OK", "one name is left");
        lines["close_last"].Should().Be("OK");
        mdev.OpenCount.Should().Be(0, "the last close released the device");
        client.HasExited.Should().BeFalse("the release came from the close, not from the process's exit");

        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync();
        await client.WaitForExitAsync().WaitAsync(Patience);
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

    /// <summary>The client's "key value" lines up to <paramref name="marker"/>, by key.</summary>
    private static async Task<Dictionary<string, string>> ReadUntilAsync(Process client, string marker)
    {
        var lines = new Dictionary<string, string>();
        while (await client.StandardOutput.ReadLineAsync().WaitAsync(Patience) is { } line && line != marker)
        {
            var kv = line.Split(' ', 2);
            lines[kv[0]] = kv.Length > 1 ? kv[1] : string.Empty;
        }

        return lines;
    }

    private string Group(Mdev.Core.MdevDevice mdev) => _host.GroupOf(mdev).ToString(CultureInfo.InvariantCulture);

    private static byte[] PortState(MttyDevice device, int port)
    {
        var bytes = new ArrayBufferWriter<byte>();
        MttyMigrationBlob.WritePort(bytes, device.Ports[port]);
        return bytes.WrittenSpan.ToArray();
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
