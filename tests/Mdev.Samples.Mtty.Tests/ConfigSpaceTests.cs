using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>The 255-byte config space byte for byte, and <c>handle_pci_cfg_write</c>'s dispatch on the exact start offset.</summary>
public sealed class ConfigSpaceTests : IDisposable
{
    private readonly MttyHost _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Config_Fresh_IsMttysBytesExactly(int ports)
    {
        var device = _host.OpenTyped(_host.Create(ports == 1 ? MttyHost.Type1 : MttyHost.Type2));
        var expected = new byte[0xff];
        new byte[] { 0x48, 0x43, 0x53, 0x32, 0x01, 0x00, 0x00, 0x02, 0x10, 0x02, 0x00, 0x07 }.CopyTo(expected, 0);
        expected[0x10] = 0x01;
        expected[0x14] = (byte)(ports == 2 ? 0x01 : 0x00);
        new byte[] { 0x48, 0x43, 0x53, 0x32 }.CopyTo(expected, 0x2c);
        expected[0x3d] = 0x01;
        expected[0x40] = 0x23;
        expected[0x43] = 0x80;
        expected[0x44] = 0x23;
        expected[0x48] = 0x23;
        expected[0x4c] = 0x23;
        "PCI Serial/UART"u8.ToArray().CopyTo(expected, 0x60);

        var config = new byte[0xff];
        device.Read(config, Guest.Config).Should().Be(0xff);
        config.Should().Equal(expected);
    }

    [Fact]
    public void Config_ReadPastTheEnd_ReadsZeros()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var tail = new byte[] { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
        device.Read(tail, Guest.Config + 0xfc).Should().Be(8);
        tail.Should().Equal(0, 0, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Bar0_SizingThenProgramming_KeepsTheIoBitOrEdIn()
    {
        var guest = new Guest(_host.OpenTyped(_host.Create(MttyHost.Type2)));
        guest.ConfigWrite32(0x10, 0xffffffff);
        guest.ConfigRead32(0x10).Should().Be(0xfffffff9, "size 8, I/O");
        guest.ConfigWrite32(0x10, 0xc150);
        guest.ConfigRead32(0x10).Should().Be(0xc151);
        guest.ConfigWrite32(0x14, 0xffffffff);
        guest.ConfigRead32(0x14).Should().Be(0xfffffff9);
        guest.ConfigWrite32(0x14, 0xc158);
        guest.ConfigRead32(0x14).Should().Be(0xc159);
    }

    [Fact]
    public void Bar_AddressBitsAreNotMasked_OnlyTheOldLowTwoBitsAreOrEd()
    {
        var guest = new Guest(_host.OpenTyped(_host.Create(MttyHost.Type1)));
        guest.ConfigWrite32(0x10, 0x12345676);
        guest.ConfigRead32(0x10).Should().Be(0x12345677, "mtty keeps bit 2 and above as written");
    }

    [Fact]
    public void Bar1_OnSinglePort_AlwaysStoresZero()
    {
        var guest = new Guest(_host.OpenTyped(_host.Create(MttyHost.Type1)));
        guest.ConfigWrite32(0x14, 0xffffffff);
        guest.ConfigRead32(0x14).Should().Be(0);
        guest.ConfigWrite32(0x14, 0xc158);
        guest.ConfigRead32(0x14).Should().Be(0);
    }

    [Fact]
    public void Bar_OneByteWrite_IsReadAsAZeroExtendedU32()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        device.Write([0xff], Guest.Config + 0x10).Should().Be(1);
        new Guest(device).ConfigRead32(0x10).Should().Be(0xff, "0x000000ff is not all ones: no sizing, the I/O bit OR-ed in");
    }

    [Fact]
    public void Bar2To4_AnyWrite_StoresZero()
    {
        var guest = new Guest(_host.OpenTyped(_host.Create(MttyHost.Type1)));
        foreach (int offset in new[] { 0x18, 0x1c, 0x20 })
        {
            guest.ConfigWrite32(offset, 0xffffffff);
            guest.ConfigRead32(offset).Should().Be(0);
        }

        guest.ConfigWrite32(0x24, 0xffffffff);
        guest.ConfigRead32(0x24).Should().Be(0, "BAR5 is not handled at all");
    }

    [Fact]
    public void Writes_CommandStatusPinAndUnhandledOffsets_AreIgnored_InterruptLineIsStored()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        var guest = new Guest(device);
        guest.ConfigWrite32(0x04, 0x00000007);
        device.Write([0xff, 0xff], Guest.Config + 0x06).Should().Be(2);
        device.Write([0x04], Guest.Config + 0x3d).Should().Be(1);
        device.Write([0xaa], Guest.Config + 0x2c).Should().Be(1);
        device.Write([0xbb], Guest.Config + 0x11).Should().Be(1); // not the exact start of BAR0
        guest.ConfigRead32(0x04).Should().Be(0x02000001);
        guest.ConfigRead32(0x2c).Should().Be(0x32534348);
        guest.ConfigRead32(0x10).Should().Be(0x00000001);

        device.Write([0x0b], Guest.Config + 0x3c).Should().Be(1);
        guest.ConfigRead32(0x3c).Should().Be(0x0000010b, "line 0x0b, pin INTA# unchanged");
    }

    [Fact]
    public void Write_OffsetIsTruncatedTo16Bits()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        device.Write(Bytes.Of(0xffffffff), Guest.Config + 0x1_0010).Should().Be(4);
        new Guest(device).ConfigRead32(0x10).Should().Be(0xfffffff9, "handle_pci_cfg_write takes a u16 offset");
    }

    [Fact]
    public void Raw_ConfigReadsAreTheSameBytes()
    {
        var mdev = _host.Create(MttyHost.Type2);
        var (process, fd) = _host.OpenRaw(mdev);
        using var vmm = process;
        var raw = new byte[0xff];
        process.Pread(fd, raw, Guest.Config).Should().Be(0xff);
        var subsystem = new byte[4];
        process.Pread(fd, subsystem, Guest.Config + 0x2c).Should().Be(4);
        Bytes.U32(subsystem, 0).Should().Be(0x32534348);
        raw[0x14].Should().Be(0x01);
        System.Text.Encoding.ASCII.GetString(raw, 0x60, 15).Should().Be("PCI Serial/UART");
    }
}
