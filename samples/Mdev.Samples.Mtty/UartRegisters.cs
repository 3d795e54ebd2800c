namespace Mdev.Samples.Mtty;

/// <summary>The 16550 register offsets and bits mtty uses (<c>include/uapi/linux/serial_reg.h</c>).</summary>
internal static class UartRegisters
{
    public const int Rx = 0;   // read: receive buffer; write: TX holding register
    public const int Ier = 1;  // interrupt enable
    public const int Iir = 2;  // read: interrupt identification; write: FCR
    public const int Lcr = 3;  // line control
    public const int Mcr = 4;  // modem control
    public const int Lsr = 5;  // line status
    public const int Msr = 6;  // modem status
    public const int Scr = 7;  // scratch

    public const byte IerRdi = 0x01;
    public const byte IerThri = 0x02;
    public const byte IerRlsi = 0x04;
    public const byte IerMsi = 0x08;

    public const byte IirNoInt = 0x01;
    public const byte IirMsi = 0x00;
    public const byte IirThri = 0x02;
    public const byte IirRdi = 0x04;
    public const byte IirRlsi = 0x06;
    public const byte IirFifoBits = 0xC0;

    public const byte FcrEnableFifo = 0x01;
    public const byte FcrClearRcvr = 0x02;
    public const byte FcrClearXmit = 0x04;
    public const byte FcrTriggerMask = 0xC0;

    public const byte LcrDlab = 0x80;

    public const byte McrDtr = 0x01;
    public const byte McrRts = 0x02;
    public const byte McrOut2 = 0x08;
    public const byte McrAfe = 0x20;

    public const byte LsrDr = 0x01;
    public const byte LsrOe = 0x02;
    public const byte LsrThre = 0x20;
    public const byte LsrTemt = 0x40;

    public const byte MsrDcts = 0x01;
    public const byte MsrDdsr = 0x02;
    public const byte MsrCts = 0x10;
    public const byte MsrDsr = 0x20;
    public const byte MsrDcd = 0x80;
}
