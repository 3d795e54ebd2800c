using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary><c>mtty_read</c>/<c>mtty_write</c>: 4/2/1-byte chunks, each dispatched on its region; EFAULT outside config and the UART BARs.</summary>
public sealed class AccessTests : IDisposable
{
    private readonly MttyHost _host = new();
    private readonly VfioDevice _device;
    private readonly Guest _guest;

    public AccessTests()
    {
        _device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        _guest = new Guest(_device);
    }

    public void Dispose()
    {
        _device.Dispose();
        _host.Dispose();
    }

    [Theory]
    [InlineData(8)]   // VGA: a PCI index mtty does not emulate
    [InlineData(9)]   // past the PCI indexes
    [InlineData(6)]   // ROM
    [InlineData(2)]   // BAR2..5: mtty would index its two-port array out of bounds
    [InlineData(5)]
    public void ReadWrite_OtherRegions_AreEfault(long region)
    {
        Expect.Errno(Errno.EFAULT, () => _device.Read(new byte[1], region << 40));
        Expect.Errno(Errno.EFAULT, () => _device.Write([0x41], region << 40));
        _guest.In(0, Guest.Lsr).Should().Be(0x60, "nothing reached the UART");
    }

    [Fact]
    public void ReadWrite_NegativeOffset_IsEinval()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Read(new byte[1], -1));
        Expect.Errno(Errno.EINVAL, () => _device.Write([0], -1));
    }

    [Fact]
    public void Read_RunningIntoAnUnhandledRegion_IsEfault_AfterTheFirstChunks()
    {
        var buffer = new byte[8];
        Expect.Errno(Errno.EFAULT, () => _device.Read(buffer, (8L << 40) - 4));
    }

    [Fact]
    public void Write_RunningFromBar1IntoBar2_IsEfault()
    {
        // A 2-byte chunk at BAR1 offset 2^40-2 (register 0xfffe after the u16 truncation: ignored), then BAR2: EFAULT.
        Expect.Errno(Errno.EFAULT, () => _device.Write([0x11, 0x22, 0x33, 0x44], (2L << 40) - 2));
        _guest.In(1, Guest.Lsr).Should().Be(0x60);
    }

    [Fact]
    public void Write_FourBytesAtTx_PushesOnlyTheLowByte()
    {
        _device.Write([0x41, 0x42, 0x43, 0x44], Guest.Bar(0)).Should().Be(4);
        _guest.In(0, Guest.Lsr).Should().Be(0x01);
        _guest.In(0, Guest.Rx).Should().Be(0x41);
        _guest.In(0, Guest.Lsr).Should().Be(0x60, "one chunk, one byte: IER, IIR and LCR were not written");
        _guest.In(0, Guest.Lcr).Should().Be(0);
    }

    [Fact]
    public void Write_SixBytesAtOffset2_IsChunkedTwoThenFour()
    {
        // 2 bytes at offset 2 (FCR gets 0xc7), then 4 bytes at offset 4 (MCR gets 0x0b; LSR, MSR, SCR untouched).
        _device.Write([0xc7, 0xee, 0x0b, 0xee, 0xee, 0x99], Guest.Bar(0) + 2).Should().Be(6);
        _guest.In(0, Guest.Mcr).Should().Be(0x0b);
        _guest.In(0, Guest.Lcr).Should().Be(0, "offset 3 was inside the first chunk");
        _guest.In(0, Guest.Scr).Should().Be(0, "offset 7 was inside the second chunk");
    }

    [Fact]
    public void Read_ChunksCarryOnlyTheRegistersFirstByte_TheRestIsZero()
    {
        _guest.Out(0, Guest.Scr, 0x5a);
        _guest.Out(0, Guest.Lcr, 0x03);
        var four = new byte[] { 0xee, 0xee, 0xee, 0xee };
        _device.Read(four, Guest.Bar(0) + 4).Should().Be(4);
        four.Should().Equal(0x00, 0, 0, 0);
        var odd = new byte[] { 0xee, 0xee, 0xee };
        _device.Read(odd, Guest.Bar(0) + 3).Should().Be(3, "1 byte at 3, then 2 bytes at 4");
        odd.Should().Equal(0x03, 0x00, 0x00);
        var config = new byte[3];
        _device.Read(config, Guest.Config + 1).Should().Be(3, "1 byte at 1, then 2 bytes at 2");
        config.Should().Equal(0x43, 0x53, 0x32);
    }

    [Fact]
    public void Bar_OffsetIsTruncatedTo16Bits_AndPastTheRegistersIsIgnored()
    {
        _guest.Out(0, 0x1_0007, 0x77);
        _guest.In(0, Guest.Scr).Should().Be(0x77, "handle_bar_write takes a u16 offset");
        _guest.Out(0, 8, 0x41);
        _guest.In(0, 8).Should().Be(0);
        _guest.In(0, Guest.Lsr).Should().Be(0x60);
    }

    [Fact]
    public void Bar1_OnASinglePortDevice_IsASecondWorkingUart()
    {
        _guest.Out(1, Guest.Rx, 0x42);
        _guest.In(1, Guest.Lsr).Should().Be(0x01);
        _guest.In(1, Guest.Rx).Should().Be(0x42);
        _guest.In(0, Guest.Lsr).Should().Be(0x60, "port 0 is separate");
    }

    [Fact]
    public void Raw_PreadPwrite_SameSplitting()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type2, MttyHost.Uuid2));
        using var vmm = process;
        Expect.Errno(Errno.EFAULT, () => process.Pwrite(fd, [1], 8L << 40));
        process.Pwrite(fd, [0x41, 0, 0, 0], 1L << 40).Should().Be(4);
        var lsr = new byte[1];
        process.Pread(fd, lsr, (1L << 40) + 5).Should().Be(1);
        lsr[0].Should().Be(0x01);
    }
}
