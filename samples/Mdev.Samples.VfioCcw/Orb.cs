using System.Buffers.Binary;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The first three words of an operation-request block as <c>orb_area</c> carries them (big-endian): the interruption
/// parameter, the flags word of a command-mode ORB (<c>struct cmd_orb</c>) and the channel-program address.
/// </summary>
/// <param name="Intparm">Word 0, the interruption parameter.</param>
/// <param name="Flags">Word 1: key 0-3, format 8, prefetch 9, c64 14, i2k 15, LPM 16-23 (MSB-first bit numbers); bit 13 is the transport-mode <c>b</c> bit.</param>
/// <param name="Cpa">Word 2, the channel-program address.</param>
internal readonly record struct Orb(uint Intparm, uint Flags, uint Cpa)
{
    /// <summary>Reads the 12 bytes of <c>orb_area</c>.</summary>
    /// <param name="area">The area.</param>
    /// <returns>The ORB.</returns>
    public static Orb Parse(ReadOnlySpan<byte> area) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(area), BinaryPrimitives.ReadUInt32BigEndian(area[4..]), BinaryPrimitives.ReadUInt32BigEndian(area[8..]));

    /// <summary>Format-1 CCWs (<c>fmt</c>); else format 0, converted on fetch.</summary>
    public bool Format1 => (Flags & 0x0080_0000) != 0;

    /// <summary>Transport mode (<c>tm.b</c>): vfio-ccw builds no channel program for it.</summary>
    public bool TransportMode => (Flags & 0x0004_0000) != 0;

    /// <summary>64-bit IDAWs (<c>c64</c>).</summary>
    public bool C64 => (Flags & 0x0002_0000) != 0;

    /// <summary>2 KiB IDAW blocks (<c>i2k</c>).</summary>
    public bool I2k => (Flags & 0x0001_0000) != 0;

    /// <summary>The logical path mask.</summary>
    public byte Lpm => (byte)(Flags >> 8);

    /// <summary>The ORB with another logical path mask.</summary>
    /// <param name="lpm">The mask.</param>
    /// <returns>The ORB.</returns>
    public Orb WithLpm(byte lpm) => this with { Flags = (Flags & ~0xFF00u) | ((uint)lpm << 8) };
}
