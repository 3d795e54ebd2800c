using System.Buffers.Binary;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The command-mode subchannel-status word (<c>struct cmd_scsw</c>, 12 bytes, big-endian). Word 0: key 0-3, cc 6-7,
/// F/P/I/A/U 8-12, fctl 17-19, actl 20-26, stctl 27-31; word 1: CCW address; word 2: device status, subchannel status, residual count.
/// </summary>
internal static class Scsw
{
    /// <summary><c>SCSW_FCTL_START_FUNC</c> in word 0.</summary>
    public const uint FctlStart = 0x4 << 12;

    /// <summary><c>SCSW_FCTL_HALT_FUNC</c> in word 0.</summary>
    public const uint FctlHalt = 0x2 << 12;

    /// <summary><c>SCSW_FCTL_CLEAR_FUNC</c> in word 0.</summary>
    public const uint FctlClear = 0x1 << 12;

    /// <summary><c>SCSW_ACTL_SCHACT</c> in word 0.</summary>
    public const uint ActlSubchannelActive = 0x04 << 5;

    /// <summary><c>SCSW_ACTL_DEVACT</c> in word 0.</summary>
    public const uint ActlDeviceActive = 0x02 << 5;

    /// <summary><c>SCSW_STCTL_ALERT_STATUS</c>.</summary>
    public const uint StctlAlert = 0x10;

    /// <summary><c>SCSW_STCTL_PRIM_STATUS</c>.</summary>
    public const uint StctlPrimary = 0x04;

    /// <summary><c>SCSW_STCTL_SEC_STATUS</c>.</summary>
    public const uint StctlSecondary = 0x02;

    /// <summary><c>SCSW_STCTL_STATUS_PEND</c>.</summary>
    public const uint StctlPending = 0x01;

    /// <summary>Device status: channel end.</summary>
    public const byte DevStatChannelEnd = 0x08;

    /// <summary>Device status: device end.</summary>
    public const byte DevStatDeviceEnd = 0x04;

    /// <summary>Device status: unit check.</summary>
    public const byte DevStatUnitCheck = 0x02;

    /// <summary>Subchannel status: incorrect length.</summary>
    public const byte SchStatIncorrectLength = 0x40;

    /// <summary>Subchannel status: program check.</summary>
    public const byte SchStatProgramCheck = 0x20;

    /// <summary>The word-0 bits a start copies from ORB word 1: the key and F, P, I, A, U.</summary>
    public const uint OrbBits = 0xF0F8_0000;

    /// <summary>Writes an SCSW.</summary>
    /// <param name="destination">Twelve bytes.</param>
    /// <param name="word0">Word 0.</param>
    /// <param name="cpa">The CCW address (last CCW + 8).</param>
    /// <param name="deviceStatus">Device status.</param>
    /// <param name="subchannelStatus">Subchannel status.</param>
    /// <param name="count">Residual count.</param>
    public static void Write(Span<byte> destination, uint word0, uint cpa, byte deviceStatus, byte subchannelStatus, ushort count)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, word0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], cpa);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ((uint)deviceStatus << 24) | ((uint)subchannelStatus << 16) | count);
    }

    /// <summary>Word 0 of an SCSW.</summary>
    /// <param name="scsw">The SCSW bytes.</param>
    /// <returns>The word.</returns>
    public static uint Word0(ReadOnlySpan<byte> scsw) => BinaryPrimitives.ReadUInt32BigEndian(scsw);

    /// <summary>The function-control bits of word 0.</summary>
    /// <param name="word0">Word 0.</param>
    /// <returns>The fctl bits in place.</returns>
    public static uint Fctl(uint word0) => word0 & (FctlStart | FctlHalt | FctlClear);

    /// <summary><c>scsw_cmd_is_solicited</c>: deferred cc non-zero, or status other than alert + pending alone.</summary>
    /// <param name="word0">Word 0.</param>
    /// <returns>Whether the status answers a function the program started.</returns>
    public static bool IsSolicited(uint word0) => ((word0 >> 24) & 0x3) != 0 || (word0 & 0x1F) != (StctlAlert | StctlPending);

    /// <summary>Final status: neither subchannel nor device active.</summary>
    /// <param name="word0">Word 0.</param>
    /// <returns>Whether the function has ended.</returns>
    public static bool IsFinal(uint word0) => (word0 & (ActlDeviceActive | ActlSubchannelActive)) == 0;
}
