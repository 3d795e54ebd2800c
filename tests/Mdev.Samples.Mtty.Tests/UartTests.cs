using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>The 16550 loop-back UART with mtty's quirks (spec §4.4, §6 vector 11).</summary>
public sealed class UartTests : IDisposable
{
    private readonly MttyHost _host = new();
    private readonly VfioDevice _device;
    private readonly Guest _guest;

    public UartTests()
    {
        _device = _host.OpenTyped(_host.Create(MttyHost.Type2));
        _guest = new Guest(_device);
    }

    public void Dispose()
    {
        _device.Dispose();
        _host.Dispose();
    }

    /// <summary>Spec §6 vector 11, first half.</summary>
    [Fact]
    public void Vector11_LoopBack_TxIsReadBackOnRx()
    {
        _guest.In(0, Guest.Lsr).Should().Be(0x60, "THRE|TEMT: empty");
        _guest.Out(0, Guest.Rx, (byte)'A');
        _guest.In(0, Guest.Lsr).Should().Be(0x01, "DR only");
        _guest.In(0, Guest.Rx).Should().Be((byte)'A');
        _guest.In(0, Guest.Lsr).Should().Be(0x60);
        _guest.In(0, Guest.Rx).Should().Be(0, "an empty FIFO pops nothing");
    }

    /// <summary>Spec §6 vector 11, second half: head wraps onto tail after 16 bytes.</summary>
    [Fact]
    public void Vector11_FifoFull_LooksEmpty_ThenTheSeventeenthWriteOverruns()
    {
        for (int i = 0; i < 16; i++)
        {
            _guest.Out(0, Guest.Rx, (byte)('a' + i));
        }

        _guest.In(0, Guest.Lsr).Should().Be(0x60, "head == tail: the full FIFO looks empty");
        _guest.Out(0, Guest.Mcr, 0x20); // AFE: MSR's CTS now reflects count < max_fifo_size
        _guest.In(0, Guest.Msr).Should().Be(0xa2, "count == 16: no CTS|DCTS");
        _guest.In(0, Guest.Rx).Should().Be(0, "RX pops nothing although 16 bytes are held");

        _guest.Out(0, Guest.Rx, (byte)'q');
        _guest.In(0, Guest.Lsr).Should().Be(0x62, "OE|THRE|TEMT");
    }

    [Fact]
    public void Fifo_FifteenBytes_ComeBackInOrder()
    {
        for (int i = 0; i < 15; i++)
        {
            _guest.Out(0, Guest.Rx, (byte)i);
        }

        _guest.In(0, Guest.Lsr).Should().Be(0x01);
        Enumerable.Range(0, 15).Select(_ => _guest.In(0, Guest.Rx)).Should().Equal(Enumerable.Range(0, 15).Select(i => (byte)i));
        _guest.In(0, Guest.Lsr).Should().Be(0x60);
    }

    [Fact]
    public void Fcr_WithoutEnableFifo_HoldsOneByte_ClearEmptiesIt()
    {
        _guest.Out(0, Guest.Fcr, 0x00);
        _guest.Out(0, Guest.Rx, 1);
        _guest.Out(0, Guest.Rx, 2);
        _guest.In(0, Guest.Lsr).Should().Be(0x03, "DR|OE: the second byte overran a one-byte FIFO");
        _guest.Out(0, Guest.Fcr, 0x07); // enable, clear both
        _guest.In(0, Guest.Lsr).Should().Be(0x62, "cleared; the overrun flag stays until the next accepted byte");
        _guest.Out(0, Guest.Rx, 3);
        _guest.In(0, Guest.Lsr).Should().Be(0x01);
        _guest.In(0, Guest.Rx).Should().Be(3);
    }

    [Fact]
    public void Dlab_DivisorIsOrEdIn_AndLcrWithDlabClearsIt()
    {
        _guest.Out(0, Guest.Lcr, 0x83);
        _guest.Out(0, Guest.Rx, 0x0c);
        _guest.Out(0, Guest.Ier, 0x01);
        _guest.In(0, Guest.Rx).Should().Be(0x0c);
        _guest.In(0, Guest.Ier).Should().Be(0x01);
        _guest.Out(0, Guest.Rx, 0x30);
        _guest.In(0, Guest.Rx).Should().Be(0x3c, "divisor |= data, not =");
        _guest.Out(0, Guest.Lcr, 0x83);
        _guest.In(0, Guest.Rx).Should().Be(0, "setting DLAB clears the divisor");
        _guest.Out(0, Guest.Lcr, 0x03);
        _guest.In(0, Guest.Lcr).Should().Be(0x03);
        _guest.In(0, Guest.Lsr).Should().Be(0x60, "divisor writes never reach the FIFO");
        _guest.In(0, Guest.Ier).Should().Be(0, "IER was never written with DLAB clear");
    }

    [Fact]
    public void Ier_IsStoredWhole_ButReadsMaskedToFourBits()
    {
        _guest.Out(0, Guest.Ier, 0xf0);
        _guest.In(0, Guest.Ier).Should().Be(0x00);
        _guest.Out(0, Guest.Ier, 0xf5);
        _guest.In(0, Guest.Ier).Should().Be(0x05);
    }

    [Fact]
    public void Iir_NoCause_IsNoIntWithFifoBits()
    {
        _guest.In(0, Guest.Iir).Should().Be(0xc1);
    }

    [Fact]
    public void Iir_BeforeAnyFcrWrite_RdiIsPendingEvenWhenEmpty()
    {
        _guest.Out(0, Guest.Ier, 0x01);
        _guest.In(0, Guest.Iir).Should().Be(0xc4, "count 0 >= trigger level 0");
        _guest.Out(0, Guest.Fcr, 0xc1); // trigger bits say 14; mtty forces 1
        _guest.In(0, Guest.Iir).Should().Be(0xc1);
        _guest.Out(0, Guest.Rx, 1);
        _guest.In(0, Guest.Iir).Should().Be(0xc4, "one byte reaches the forced trigger level 1");
    }

    [Fact]
    public void Iir_CausesAreOrEd_NotPrioritised()
    {
        _guest.Out(0, Guest.Fcr, 0x01);
        _guest.Out(0, Guest.Mcr, 0x03);
        _guest.Out(0, Guest.Ier, 0x0f);
        _guest.In(0, Guest.Iir).Should().Be(0xc2, "THRI (empty) | MSI (0x00)");
        for (int i = 0; i < 17; i++)
        {
            _guest.Out(0, Guest.Rx, 0x55);
        }

        _guest.In(0, Guest.Iir).Should().Be(0xc6, "RLSI (0x06) | RDI (0x04) | THRI (0x02, the full FIFO looks empty)");
    }

    [Fact]
    public void Msr_WithoutAfe_AlwaysCts()
    {
        _guest.In(0, Guest.Msr).Should().Be(0xb3);
        _guest.Out(0, Guest.Mcr, 0x20);
        _guest.In(0, Guest.Msr).Should().Be(0xb3, "AFE with room in the FIFO");
    }

    [Fact]
    public void LsrAndMsrWrites_AreIgnored_ScrMcrLcrAreStored()
    {
        _guest.Out(0, Guest.Lsr, 0xff);
        _guest.Out(0, Guest.Msr, 0x00);
        _guest.Out(0, Guest.Scr, 0xa5);
        _guest.Out(0, Guest.Mcr, 0x1b);
        _guest.Out(0, Guest.Lcr, 0x1f);
        _guest.In(0, Guest.Lsr).Should().Be(0x60);
        _guest.In(0, Guest.Msr).Should().Be(0xb3);
        (_guest.In(0, Guest.Scr), _guest.In(0, Guest.Mcr), _guest.In(0, Guest.Lcr)).Should().Be(((byte)0xa5, (byte)0x1b, (byte)0x1f));
    }

    [Fact]
    public void Ports_AreIndependent()
    {
        _guest.Out(0, Guest.Rx, 0x10);
        _guest.Out(1, Guest.Scr, 0x20);
        _guest.In(1, Guest.Lsr).Should().Be(0x60);
        _guest.In(0, Guest.Scr).Should().Be(0);
        _guest.In(0, Guest.Rx).Should().Be(0x10);
        _guest.In(1, Guest.Scr).Should().Be(0x20);
    }
}
