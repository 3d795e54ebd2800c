using System.Buffers;
using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>Migration v2 with mtty's state blob (<c>struct mtty_data</c>): flags, size, layout, round trip, pre-copy, refusals.</summary>
public sealed class MigrationTests : IDisposable
{
    private readonly MttyHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Flags_AreStopCopyP2PPreCopy_SizeIsMttyDataSize()
    {
        var one = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var two = _host.OpenTyped(_host.Create(MttyHost.Type2, MttyHost.Uuid2));
        one.GetMigrationFlags().Should().Be(VfioMigrationFlags.StopCopy | VfioMigrationFlags.P2P | VfioMigrationFlags.PreCopy);
        one.GetMigrationState().Should().Be(VfioMigrationState.Running);
        (one.GetMigrationDataSize(), two.GetMigrationDataSize()).Should().Be((60UL, 96UL));
    }

    [Fact]
    public async Task Save_FreshSinglePort_IsTheHeaderAndOneSerialPortByteForByte()
    {
        var blob = await Migration.SaveAsync(_host.OpenTyped(_host.Create(MttyHost.Type1)));

        var expected = new byte[60];
        BinaryPrimitives.WriteUInt64LittleEndian(expected, 0x7e9d09898c3e2c4e);
        expected[8] = 1;   // major_ver
        expected[16] = 1;  // nr_ports
        expected[24 + 33] = 16; // ports[0].max_fifo_size
        blob.Should().Equal(expected);
    }

    [Fact]
    public async Task Save_AfterUartTraffic_CarriesEveryFieldAtItsOffset()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var guest = new Guest(device);
        guest.Out(0, Guest.Lcr, 0x80);
        guest.Out(0, Guest.Rx, 0x0c);
        guest.Out(0, Guest.Ier, 0x01);
        guest.Out(0, Guest.Lcr, 0x03);
        guest.Out(0, Guest.Ier, 0xf5);
        guest.Out(0, Guest.Fcr, 0xc1);
        guest.Out(0, Guest.Mcr, 0x0b);
        guest.Out(0, Guest.Scr, 0x5a);
        guest.Out(0, Guest.Rx, 0x41);
        guest.Out(0, Guest.Rx, 0x42);
        guest.In(0, Guest.Rx);

        var port = (await Migration.SaveAsync(device)).AsSpan(24, 36).ToArray();
        port[..8].Should().Equal(0x00, 0xf5, 0x00, 0x03, 0x0b, 0x00, 0x00, 0x5a);
        port[8..10].Should().Equal(0x41, 0x42);
        (port[24], port[25], port[26]).Should().Be(((byte)2, (byte)1, (byte)1), "head, tail, count");
        (port[27], port[28], port[29]).Should().Be(((byte)0, (byte)0, (byte)0), "dlab, overrun, padding");
        BinaryPrimitives.ReadUInt16LittleEndian(port.AsSpan(30)).Should().Be(0x010c);
        (port[32], port[33], port[34], port[35]).Should().Be(((byte)0xc1, (byte)16, (byte)1, (byte)0), "fcr, max_fifo_size, intr_trigger_level, padding");
    }

    [Fact]
    public async Task RoundTrip_DualPort_UartRegistersAndFifoIdenticalAfterResume()
    {
        var source = _host.OpenTyped(_host.Create(MttyHost.Type2));
        var destination = _host.OpenTyped(_host.Create(MttyHost.Type2, MttyHost.Uuid2));
        var src = new Guest(source);
        src.Out(0, Guest.Lcr, 0x83);
        src.Out(0, Guest.Rx, 0x01);
        src.Out(0, Guest.Lcr, 0x03);
        src.Out(0, Guest.Fcr, 0x01);
        src.Out(0, Guest.Ier, 0x05);
        src.Out(0, Guest.Mcr, 0x23);
        src.Out(0, Guest.Scr, 0x5a);
        for (int i = 0; i < 20; i++)
        {
            src.Out(0, Guest.Rx, (byte)('a' + i)); // 16 held, then 4 overruns
        }

        src.Out(1, Guest.Rx, (byte)'h');
        src.Out(1, Guest.Rx, (byte)'i');
        src.Out(1, Guest.Scr, 0x33);
        new Guest(destination).Out(0, Guest.Scr, 0xee);

        var blob = await Migration.SaveAsync(source);
        blob.Should().HaveCount(96);
        await Migration.WriteResumingAsync(destination, blob);
        destination.SetMigrationState(VfioMigrationState.Running).Should().BeNull();
        destination.GetMigrationState().Should().Be(VfioMigrationState.Running);

        var dst = new Guest(destination);
        foreach (var (port, register) in new[] { (0, Guest.Ier), (0, Guest.Iir), (0, Guest.Lcr), (0, Guest.Mcr), (0, Guest.Lsr), (0, Guest.Msr), (0, Guest.Scr), (1, Guest.Lsr), (1, Guest.Scr) })
        {
            dst.In(port, register).Should().Be(src.In(port, register), $"port {port} register {register}");
        }

        (dst.In(0, Guest.Lsr), dst.In(0, Guest.Msr), dst.In(0, Guest.Iir)).Should().Be(((byte)0x62, (byte)0xa2, (byte)0xc6), "full FIFO looks empty, overrun, AFE without room");
        Enumerable.Range(0, 2).Select(_ => dst.In(1, Guest.Rx)).Should().Equal((byte)'h', (byte)'i');
        (await SaveAgainAsync(destination)).AsSpan(24, 36).ToArray().Should().Equal(blob.AsSpan(24, 36).ToArray(), "port 0 state is byte-identical");
    }

    [Fact]
    public async Task RoundTrip_FifoContentPopsInTheSameOrder()
    {
        var source = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var destination = _host.OpenTyped(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        var src = new Guest(source);
        for (int i = 0; i < 10; i++)
        {
            src.Out(0, Guest.Rx, (byte)i);
        }

        for (int i = 0; i < 7; i++)
        {
            src.In(0, Guest.Rx);
        }

        for (int i = 10; i < 19; i++)
        {
            src.Out(0, Guest.Rx, (byte)i); // 12 held, head 3 wrapped past the end, tail 7
        }

        await Migration.WriteResumingAsync(destination, await Migration.SaveAsync(source));
        destination.SetMigrationState(VfioMigrationState.Stop).Should().BeNull();

        var dst = new Guest(destination);
        var popped = Enumerable.Range(0, 12).Select(_ => dst.In(0, Guest.Rx)).ToArray();
        popped.Should().Equal(Enumerable.Range(7, 12).Select(i => (byte)i));
        Enumerable.Range(0, 12).Select(_ => src.In(0, Guest.Rx)).Should().Equal(popped);
        (dst.In(0, Guest.Lsr), src.In(0, Guest.Lsr)).Should().Be(((byte)0x60, (byte)0x60));
    }

    [Fact]
    public async Task PreCopy_GivesTheHeaderFirst_StopCopyAppendsThePortsAsTheyAreThen()
    {
        var source = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var data = source.SetMigrationState(VfioMigrationState.PreCopy)!;
        data.Reader!.TryRead(out var initial).Should().BeTrue();
        var header = initial.Buffer.ToArray();
        data.Reader.AdvanceTo(initial.Buffer.End);
        header.Should().HaveCount(24);
        BinaryPrimitives.ReadUInt64LittleEndian(header).Should().Be(0x7e9d09898c3e2c4e);
        (Bytes.U32(header, 8), Bytes.U32(header, 12), Bytes.U32(header, 16), Bytes.U32(header, 20)).Should().Be((1u, 0u, 1u, 0u));

        new Guest(source).Out(0, Guest.Scr, 0x99); // the device still runs in PRE_COPY
        source.SetMigrationState(VfioMigrationState.StopCopy).Should().BeNull("the pre-copy stream stays the saving stream");
        var rest = await Migration.ReadToEndAsync(data.Reader);
        rest.Should().HaveCount(36);
        rest[7].Should().Be(0x99);

        var destination = _host.OpenTyped(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        await Migration.WriteResumingAsync(destination, [.. header, .. rest]);
        destination.SetMigrationState(VfioMigrationState.Running).Should().BeNull();
        new Guest(destination).In(0, Guest.Scr).Should().Be(0x99);
    }

    [Fact]
    public async Task Resume_CorruptMagic_IsEfault_AndTheDestinationStaysUsable()
    {
        var (destination, blob) = await PrepareAsync();
        var corrupt = (byte[])blob.Clone();
        corrupt[0] ^= 0xff;
        await Migration.WriteResumingAsync(destination, corrupt);

        Expect.Errno(Errno.EFAULT, () => destination.SetMigrationState(VfioMigrationState.Stop));
        await ExpectUsableAndResumeAsync(destination, blob);
    }

    [Fact]
    public async Task Resume_TruncatedStream_IsEinval_AndTheDestinationStaysUsable()
    {
        var (destination, blob) = await PrepareAsync();
        await Migration.WriteResumingAsync(destination, blob[..59]);

        Expect.Errno(Errno.EINVAL, () => destination.SetMigrationState(VfioMigrationState.Running));
        await ExpectUsableAndResumeAsync(destination, blob);
    }

    [Theory]
    [InlineData(0, Errno.EINVAL)]
    [InlineData(10, Errno.EINVAL)]
    [InlineData(24, Errno.EINVAL)]
    [InlineData(61, Errno.ENOMEM)]
    public async Task Resume_WrongLength_IsRefused(int length, Errno errno)
    {
        var (destination, blob) = await PrepareAsync();
        var bytes = new byte[length];
        blob.AsSpan(0, Math.Min(length, blob.Length)).CopyTo(bytes);
        await Migration.WriteResumingAsync(destination, bytes);

        Expect.Errno(errno, () => destination.SetMigrationState(VfioMigrationState.Stop));
        await ExpectUsableAndResumeAsync(destination, blob);
    }

    [Theory]
    [InlineData(8, 2u)]  // major_ver
    [InlineData(12, 1u)] // minor_ver
    [InlineData(16, 2u)] // nr_ports
    [InlineData(20, 1u)] // flags
    public async Task Resume_BadHeaderField_IsEfault(int offset, uint value)
    {
        var (destination, blob) = await PrepareAsync();
        var bad = (byte[])blob.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(offset), value);
        await Migration.WriteResumingAsync(destination, bad);

        Expect.Errno(Errno.EFAULT, () => destination.SetMigrationState(VfioMigrationState.Stop));
        await ExpectUsableAndResumeAsync(destination, blob);
    }

    [Fact]
    public async Task Resume_BlobOfTheOtherType_IsRefused()
    {
        var single = await Migration.SaveAsync(_host.OpenTyped(_host.Create(MttyHost.Type1)));
        var dual = await Migration.SaveAsync(_host.OpenTyped(_host.Create(MttyHost.Type2, MttyHost.Uuid2)));
        var toDual = _host.OpenTyped(_host.Create(MttyHost.Type2, MttyHost.Uuid3(3)));
        var toSingle = _host.OpenTyped(_host.Create(MttyHost.Type1, MttyHost.Uuid3(4)));

        await Migration.WriteResumingAsync(toDual, single);
        Expect.Errno(Errno.EFAULT, () => toDual.SetMigrationState(VfioMigrationState.Stop));
        await Migration.WriteResumingAsync(toSingle, dual);
        Expect.Errno(Errno.ENOMEM, () => toSingle.SetMigrationState(VfioMigrationState.Stop));
    }

    [Fact]
    public void Raw_Features_FlagsSizeStateAndAStreamThroughDescriptors()
    {
        var (source, sfd) = _host.OpenRaw(_host.Create(MttyHost.Type2));
        var (target, tfd) = _host.OpenRaw(_host.Create(MttyHost.Type2, MttyHost.Uuid2));
        using var vmm = source;
        using var vmm2 = target;
        source.Pwrite(sfd, [0x5a], (1L << 40) + 7).Should().Be(1); // port 1 SCR

        Expect.Errno(Errno.EINVAL, () => source.Ioctl(sfd, VfioIoctl.DeviceFeature, Bytes.Sized(16, 15, VfioIoctl.FeatureGet | 1)));
        var flags = Bytes.Sized(16, 16, VfioIoctl.FeatureGet | VfioIoctl.FeatureMigration);
        source.Ioctl(sfd, VfioIoctl.DeviceFeature, flags).Should().Be(0);
        Bytes.U64(flags, 8).Should().Be(7);
        var size = Bytes.Sized(16, 16, VfioIoctl.FeatureGet | VfioIoctl.FeatureMigDataSize);
        source.Ioctl(sfd, VfioIoctl.DeviceFeature, size).Should().Be(0);
        Bytes.U64(size, 8).Should().Be(96);

        SetState(source, sfd, VfioMigrationState.Stop).Should().Be(-1);
        int readFd = SetState(source, sfd, VfioMigrationState.StopCopy);
        readFd.Should().BeGreaterThan(0);
        var blob = new List<byte>();
        var buffer = new byte[7];
        for (int n; (n = source.Read(readFd, buffer)) > 0;)
        {
            blob.AddRange(buffer.AsSpan(0, n));
        }

        blob.Should().HaveCount(96);
        int writeFd = SetState(target, tfd, VfioMigrationState.Resuming);
        target.Write(writeFd, blob.ToArray().AsSpan(0, 50)).Should().Be(50);
        target.Write(writeFd, blob.ToArray().AsSpan(50)).Should().Be(46);
        SetState(target, tfd, VfioMigrationState.Running).Should().Be(-1);

        var state = Bytes.Sized(16, 16, VfioIoctl.FeatureGet | VfioIoctl.FeatureMigDeviceState);
        target.Ioctl(tfd, VfioIoctl.DeviceFeature, state).Should().Be(0);
        (Bytes.U32(state, 8), Bytes.S32(state, 12)).Should().Be(((uint)VfioMigrationState.Running, -1));
        var scr = new byte[1];
        target.Pread(tfd, scr, (1L << 40) + 7);
        scr[0].Should().Be(0x5a);
    }

    [Fact]
    public void Raw_CorruptStream_SetStopFailsWithEfault()
    {
        var (target, tfd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        using var vmm = target;
        int writeFd = SetState(target, tfd, VfioMigrationState.Resuming);
        target.Write(writeFd, new byte[60]).Should().Be(60);
        Expect.Errno(Errno.EFAULT, () => SetState(target, tfd, VfioMigrationState.Stop));
        target.Ioctl(tfd, VfioIoctl.DeviceReset, Span<byte>.Empty).Should().Be(0);
        var state = Bytes.Sized(16, 16, VfioIoctl.FeatureGet | VfioIoctl.FeatureMigDeviceState);
        target.Ioctl(tfd, VfioIoctl.DeviceFeature, state);
        Bytes.U32(state, 8).Should().Be((uint)VfioMigrationState.Running);
    }

    private static int SetState(VfioProcess process, int fd, VfioMigrationState state)
    {
        var arg = Bytes.Sized(16, 16, VfioIoctl.FeatureSet | VfioIoctl.FeatureMigDeviceState, (uint)state, 0x12345678);
        process.Ioctl(fd, VfioIoctl.DeviceFeature, arg).Should().Be(0);
        return Bytes.S32(arg, 12);
    }

    private static async Task<byte[]> SaveAgainAsync(VfioDevice device)
    {
        device.SetMigrationState(VfioMigrationState.Stop);
        var data = device.SetMigrationState(VfioMigrationState.StopCopy)!;
        return await Migration.ReadToEndAsync(data.Reader!);
    }

    /// <summary>A single-port source with some state, saved; a fresh destination with SCR 0xee.</summary>
    private async Task<(VfioDevice Destination, byte[] Blob)> PrepareAsync()
    {
        var source = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var src = new Guest(source);
        src.Out(0, Guest.Scr, 0x5a);
        src.Out(0, Guest.Rx, 0x41);
        var destination = _host.OpenTyped(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        new Guest(destination).Out(0, Guest.Scr, 0xee);
        return (destination, await Migration.SaveAsync(source));
    }

    /// <summary>After a refusal: still RESUMING, the old UART state intact and working; reset, then the good blob loads.</summary>
    private static async Task ExpectUsableAndResumeAsync(VfioDevice destination, byte[] blob)
    {
        destination.GetMigrationState().Should().Be(VfioMigrationState.Resuming);
        var guest = new Guest(destination);
        guest.In(0, Guest.Scr).Should().Be(0xee);
        guest.Out(0, Guest.Rx, 0x7f);
        guest.In(0, Guest.Rx).Should().Be(0x7f);

        destination.Reset();
        destination.GetMigrationState().Should().Be(VfioMigrationState.Running);
        await Migration.WriteResumingAsync(destination, blob);
        destination.SetMigrationState(VfioMigrationState.Running).Should().BeNull();
        guest.In(0, Guest.Scr).Should().Be(0x5a);
        guest.In(0, Guest.Rx).Should().Be(0x41);
    }
}
