using System.Buffers.Binary;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests.Support;

/// <summary>What a guest driver does through the VMM: port I/O on the UART BARs and config-space accesses, one access at a time.</summary>
internal sealed class Guest(VfioDevice device)
{
    public const long Config = 7L << 40;

    public const int Rx = 0, Ier = 1, Iir = 2, Fcr = 2, Lcr = 3, Mcr = 4, Lsr = 5, Msr = 6, Scr = 7;

    public static long Bar(int port) => (long)port << 40;

    public void Out(int port, int register, byte value) => device.Write([value], Bar(port) + register).Should().Be(1);

    public byte In(int port, int register)
    {
        var b = new byte[1];
        device.Read(b, Bar(port) + register).Should().Be(1);
        return b[0];
    }

    public uint ConfigRead32(int offset)
    {
        var b = new byte[4];
        device.Read(b, Config + offset).Should().Be(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public void ConfigWrite32(int offset, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        device.Write(b, Config + offset).Should().Be(4);
    }
}
