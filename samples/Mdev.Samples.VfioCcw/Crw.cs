namespace Mdev.Samples.VfioCcw;

/// <summary>
/// A channel-report word (<c>struct crw</c>, MSB first: res1, slct, oflw, chn, rsc:4, anc, res2, erc:6, rsid:16) and the
/// codes vfio-ccw queues for channel-path events (<c>vfio_ccw_chp_event</c>).
/// </summary>
internal static class Crw
{
    /// <summary><c>CRW_RSC_CPATH</c>: reporting source channel path.</summary>
    public const byte RscChannelPath = 0x4;

    /// <summary><c>CRW_ERC_INIT</c>: initialized (path came online).</summary>
    public const byte ErcInitialized = 0x02;

    /// <summary><c>CRW_ERC_PERRN</c>: permanent error, not initialized (path went offline).</summary>
    public const byte ErcPermanentErrorNotInitialized = 0x06;

    /// <summary>Builds the word.</summary>
    /// <param name="rsc">The reporting-source code.</param>
    /// <param name="erc">The error-recovery code.</param>
    /// <param name="rsid">The reporting-source id (the CHPID).</param>
    /// <returns>The 32-bit CRW.</returns>
    public static uint Make(byte rsc, byte erc, ushort rsid) => ((uint)(rsc & 0xF) << 24) | ((uint)(erc & 0x3F) << 16) | rsid;
}
