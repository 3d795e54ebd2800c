using static Mdev.Samples.Mtty.UartRegisters;

namespace Mdev.Samples.Mtty;

/// <summary>
/// One emulated 16550 port (<c>struct serial_port</c>, <c>handle_bar_write</c>, <c>handle_bar_read</c>): eight
/// registers and a 16-byte loop-back FIFO, so what the guest transmits it receives. Every mtty quirk is kept (see the
/// README); the caller holds the device lock.
/// </summary>
internal sealed class SerialPort(Action raiseInterrupt)
{
    public const int FifoSize = 16;

    /// <summary><c>uart_reg[8]</c>: the stored registers (IER is kept whole; reads mask it).</summary>
    public byte[] Registers { get; } = new byte[8];

    /// <summary><c>rxtx.fifo</c>.</summary>
    public byte[] Fifo { get; } = new byte[FifoSize];

    public byte Head { get; set; }

    public byte Tail { get; set; }

    public byte Count { get; set; }

    public bool Dlab { get; set; }

    public bool Overrun { get; set; }

    public ushort Divisor { get; set; }

    public byte Fcr { get; set; }

    public byte MaxFifoSize { get; set; } = FifoSize;

    /// <summary><c>intr_trigger_level</c>: 0 until the first FCR write, so RDI never fires before it.</summary>
    public byte TriggerLevel { get; set; }

    /// <summary>Empty means <c>head == tail</c>, so a FIFO holding 16 bytes also looks empty.</summary>
    private bool LooksEmpty => Head == Tail;

    private byte Enabled => Registers[Ier];

    /// <summary>A guest write of <paramref name="data"/> (the chunk's first byte) to register <paramref name="offset"/>.</summary>
    public void Write(ushort offset, byte data)
    {
        switch (offset)
        {
            case Rx:
                Transmit(data);
                break;
            case Ier when Dlab:
                Divisor |= (ushort)(data << 8);
                break;
            case Ier:
                Registers[Ier] = data;
                if ((data & IerThri) != 0 && LooksEmpty)
                {
                    raiseInterrupt();
                }

                break;
            case Iir: // FCR
                Fcr = data;
                if ((data & (FcrClearRcvr | FcrClearXmit)) != 0)
                {
                    Count = Head = Tail = 0;
                }

                // mtty decodes the trigger bits (1/4/8/14) and then forces the level to 1 anyway.
                TriggerLevel = 1;
                MaxFifoSize = (data & FcrEnableFifo) != 0 ? (byte)FifoSize : (byte)1;
                break;
            case Lcr:
                Dlab = (data & LcrDlab) != 0;
                if (Dlab)
                {
                    Divisor = 0;
                }

                Registers[Lcr] = data;
                break;
            case Mcr:
                Registers[Mcr] = data;
                if ((Enabled & IerMsi) != 0 && (data & McrOut2) != 0)
                {
                    raiseInterrupt();
                }

                if ((Enabled & IerMsi) != 0 && (data & (McrRts | McrDtr)) != 0)
                {
                    raiseInterrupt();
                }

                break;
            case Scr:
                Registers[Scr] = data;
                break;
            default: // LSR, MSR and offsets past the eight registers are ignored
                break;
        }
    }

    /// <summary>A guest read of register <paramref name="offset"/>; 0 where mtty leaves the byte untouched.</summary>
    public byte Read(ushort offset) => offset switch
    {
        Rx when Dlab => (byte)Divisor,
        Rx => Receive(),
        Ier when Dlab => (byte)(Divisor >> 8),
        Ier => (byte)(Enabled & 0x0f),
        Iir => InterruptIdentification(),
        Lcr or Mcr or Scr => Registers[offset],
        Lsr => LineStatus(),
        Msr => ModemStatus(),
        _ => 0,
    };

    private void Transmit(byte data)
    {
        if (Dlab)
        {
            Divisor |= data;
            return;
        }

        if (Count < MaxFifoSize)
        {
            Fifo[Head & (FifoSize - 1)] = data;
            Count++;
            Head = (byte)((Head + 1) & (FifoSize - 1));
            Overrun = false;
            if ((Enabled & IerRdi) != 0 && Count == TriggerLevel)
            {
                raiseInterrupt();
            }
        }
        else
        {
            Overrun = true;
            if ((Enabled & IerRlsi) != 0)
            {
                raiseInterrupt();
            }
        }
    }

    private byte Receive()
    {
        byte data = 0;
        if (!LooksEmpty)
        {
            data = Fifo[Tail & (FifoSize - 1)];
            Count--;
            Tail = (byte)((Tail + 1) & (FifoSize - 1));
        }

        if (LooksEmpty && (Enabled & IerThri) != 0)
        {
            raiseInterrupt();
        }

        return data;
    }

    /// <summary>IIR: every pending cause OR-ed together (not prioritised), NO_INT when none, then bits 6–7 set.</summary>
    private byte InterruptIdentification()
    {
        byte iir = 0;
        if ((Enabled & IerRlsi) != 0 && Overrun)
        {
            iir |= IirRlsi;
        }

        if ((Enabled & IerRdi) != 0 && Count >= TriggerLevel)
        {
            iir |= IirRdi;
        }

        if ((Enabled & IerThri) != 0 && LooksEmpty)
        {
            iir |= IirThri;
        }

        if ((Enabled & IerMsi) != 0 && (Registers[Mcr] & (McrRts | McrDtr)) != 0)
        {
            iir |= IirMsi;
        }

        if (iir == 0)
        {
            iir = IirNoInt;
        }

        return (byte)(iir | IirFifoBits);
    }

    private byte LineStatus()
    {
        byte lsr = 0;
        if (!LooksEmpty)
        {
            lsr |= LsrDr;
        }

        if (Overrun)
        {
            lsr |= LsrOe;
        }

        if (LooksEmpty)
        {
            lsr |= LsrTemt | LsrThre;
        }

        return lsr;
    }

    private byte ModemStatus()
    {
        byte msr = MsrDsr | MsrDdsr | MsrDcd;
        bool afe = (Registers[Mcr] & McrAfe) != 0;
        if (!afe || Count < MaxFifoSize)
        {
            msr |= MsrCts | MsrDcts;
        }

        return msr;
    }
}
