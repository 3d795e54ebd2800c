using System.Buffers.Binary;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The subchannel-information block STORE SUBCHANNEL returns (52 bytes, big-endian): the PMCW (28 bytes: intparm; isc,
/// ena, dnv, dev; lpm, pnom, lpum, pim; mbi; pom, pam; chpid[8]; st), the SCSW (12), mba (8) and mda (4).
/// </summary>
internal static class Schib
{
    /// <summary>The size of a SCHIB.</summary>
    public const int Size = 52;

    /// <summary>Builds a SCHIB of an I/O subchannel (type 0) with a valid device number.</summary>
    /// <param name="intparm">The interruption parameter.</param>
    /// <param name="isc">The interruption subclass.</param>
    /// <param name="enabled">Whether the subchannel is enabled.</param>
    /// <param name="deviceNumber">The device number.</param>
    /// <param name="paths">The path masks.</param>
    /// <param name="chpids">Up to eight CHPIDs.</param>
    /// <param name="scsw">The current SCSW (12 bytes, zero when idle).</param>
    /// <returns>The SCHIB.</returns>
    public static byte[] Build(uint intparm, byte isc, bool enabled, ushort deviceNumber, (byte Lpm, byte Pnom, byte Lpum, byte Pim, byte Pom, byte Pam) paths, IReadOnlyList<byte> chpids, ReadOnlySpan<byte> scsw)
    {
        var b = new byte[Size];
        BinaryPrimitives.WriteUInt32BigEndian(b, intparm);
        uint word1 = ((uint)(isc & 0x7) << 27) | (enabled ? 1u << 23 : 0) | (1u << 16) | deviceNumber;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), word1);
        (b[8], b[9], b[10], b[11]) = (paths.Lpm, paths.Pnom, paths.Lpum, paths.Pim);
        (b[14], b[15]) = (paths.Pom, paths.Pam);
        for (int i = 0; i < chpids.Count && i < 8; i++)
        {
            b[16 + i] = chpids[i];
        }

        scsw.CopyTo(b.AsSpan(28, 12));
        return b;
    }
}
