using System.Buffers.Binary;

namespace Mdev.Samples.VfioCcw;

/// <summary>A format-1 channel command word (<c>struct ccw1</c>, big-endian): command code, flags, count, data address.</summary>
/// <param name="Command">The command code.</param>
/// <param name="Flags">CD 0x80, CC 0x40, SLI 0x20, SKIP 0x10, PCI 0x08, IDA 0x04, SUSPEND 0x02, MIDA 0x01.</param>
/// <param name="Count">The byte count.</param>
/// <param name="Cda">The data address (the target of a TIC).</param>
internal readonly record struct Ccw1(byte Command, byte Flags, ushort Count, uint Cda)
{
    /// <summary>The size of a CCW.</summary>
    public const int Size = 8;

    /// <summary>Write (the low two bits 01).</summary>
    public const byte Write = 0x01;

    /// <summary>Read (the low two bits 10).</summary>
    public const byte Read = 0x02;

    /// <summary>No-operation (control).</summary>
    public const byte Noop = 0x03;

    /// <summary>Basic sense.</summary>
    public const byte Sense = 0x04;

    /// <summary>Transfer in channel.</summary>
    public const byte Tic = 0x08;

    /// <summary>Sense ID.</summary>
    public const byte SenseId = 0xE4;

    /// <summary>Chain data.</summary>
    public const byte FlagCd = 0x80;

    /// <summary>Chain command.</summary>
    public const byte FlagCc = 0x40;

    /// <summary>Suppress incorrect length.</summary>
    public const byte FlagSli = 0x20;

    /// <summary>Skip (no data transfer).</summary>
    public const byte FlagSkip = 0x10;

    /// <summary>Indirect data addressing.</summary>
    public const byte FlagIda = 0x04;

    /// <summary>Reads a format-1 CCW.</summary>
    /// <param name="b">Eight bytes.</param>
    /// <returns>The CCW.</returns>
    public static Ccw1 Parse(ReadOnlySpan<byte> b) =>
        new(b[0], b[1], BinaryPrimitives.ReadUInt16BigEndian(b[2..]), BinaryPrimitives.ReadUInt32BigEndian(b[4..]));

    /// <summary>Reads a format-0 CCW (command, 24-bit address, flags, reserved, count) and converts it as <c>convert_ccw0_to_ccw1</c> does.</summary>
    /// <param name="b">Eight bytes.</param>
    /// <returns>The CCW in format 1.</returns>
    public static Ccw1 ParseFormat0(ReadOnlySpan<byte> b)
    {
        uint cda = ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return (b[0] & 0x0F) == Tic
            ? new Ccw1(Tic, 0, 0, cda)
            : new Ccw1(b[0], b[4], BinaryPrimitives.ReadUInt16BigEndian(b[6..]), cda);
    }

    /// <summary>A TIC.</summary>
    public bool IsTic => Command == Tic;

    /// <summary>Command or data chaining continues the chain.</summary>
    public bool IsChained => (Flags & (FlagCc | FlagCd)) != 0;

    /// <summary>Uses indirect data addressing.</summary>
    public bool IsIda => (Flags & FlagIda) != 0;

    /// <summary><c>ccw_does_data_transfer</c>: whether the data area must be pinned.</summary>
    public bool DoesDataTransfer
    {
        get
        {
            if (Count == 0 || Command == Noop)
            {
                return false;
            }

            if ((Flags & FlagSkip) == 0)
            {
                return true;
            }

            bool read = (Command & 0x03) == 0x02, readBackward = (Command & 0x0F) == 0x0C, sense = (Command & 0x0F) == Sense;
            return !(read || readBackward || sense);
        }
    }
}
