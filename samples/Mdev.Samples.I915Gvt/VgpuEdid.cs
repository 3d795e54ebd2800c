using System.Buffers.Binary;
using System.Text;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The vGPU monitor's EDID: a 128-byte EDID 1.4 base block with the type's resolution as the preferred (first)
/// detailed timing, no extensions, and the check kvmgt applies before it raises the link
/// (<c>drm_edid_block_valid(blob, 0, true, NULL)</c>).
/// </summary>
internal static class VgpuEdid
{
    /// <summary><c>EDID_SIZE</c>: one block.</summary>
    public const int BlockSize = 128;

    /// <summary>The DRM module parameter <c>edid_fixup</c>'s default: a header with at least 6 of 8 right bytes is repaired.</summary>
    public const int HeaderFixupScore = 6;

    private static ReadOnlySpan<byte> Header => [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];

    /// <summary>sRGB primaries and white point in the EDID's packed chromaticity encoding.</summary>
    private static ReadOnlySpan<byte> SrgbChromaticity => [0xEE, 0x91, 0xA3, 0x54, 0x4C, 0x99, 0x26, 0x0F, 0x50, 0x54];

    public static byte[] Build(DisplayTiming timing)
    {
        var edid = new byte[BlockSize];
        Header.CopyTo(edid);
        BinaryPrimitives.WriteUInt16BigEndian(edid.AsSpan(8), PnpId("GVT"));
        BinaryPrimitives.WriteUInt16LittleEndian(edid.AsSpan(10), (ushort)timing.Width); // product code
        edid[16] = 0; // week unspecified
        edid[17] = 2016 - 1990; // model year
        edid[18] = 1; // EDID version 1
        edid[19] = 4; // revision 4
        edid[20] = 0x80 | (0b010 << 4) | 0x5; // digital, 8 bits per colour, DisplayPort
        edid[21] = (byte)((timing.WidthMm + 5) / 10); // cm
        edid[22] = (byte)((timing.HeightMm + 5) / 10);
        edid[23] = 220 - 100; // gamma 2.2
        edid[24] = 0x06; // RGB 4:4:4, sRGB default colour space, preferred timing is native
        SrgbChromaticity.CopyTo(edid.AsSpan(25));
        edid.AsSpan(38, 16).Fill(0x01); // no standard timings
        WriteDetailedTiming(edid.AsSpan(54, 18), timing);
        WriteDescriptor(edid.AsSpan(72, 18), 0xFC, "GVT-g vGPU");
        WriteDescriptor(edid.AsSpan(90, 18), 0x10, string.Empty); // dummy
        WriteDescriptor(edid.AsSpan(108, 18), 0x10, string.Empty);
        edid[126] = 0; // no extension blocks
        edid[127] = Checksum(edid);
        return edid;
    }

    /// <summary>
    /// <c>drm_edid_block_valid</c> on block 0: a header with fewer than 6 right bytes (or an all-zero block) is invalid;
    /// 6 or 7 right bytes get the header rewritten in place (even if the block then fails) and are checked again; the
    /// 128 bytes must sum to 0 and the version byte must be 1. The extension count is not looked at.
    /// </summary>
    /// <remarks>
    /// Choice: this follows the kvmgt.c the spec cites. A later kernel patch (Jani Nikula's <c>edid_valid()</c>) switches
    /// to <c>drm_edid_valid(drm_edid_alloc(blob, EDID_SIZE))</c>, which repairs nothing (a header with 6 or 7 right bytes
    /// fails) and also fails a block whose extension count is not 0; not modelled.
    /// </remarks>
    public static bool ValidateBaseBlock(Span<byte> block)
    {
        int score = 0;
        for (int i = 0; i < Header.Length; i++)
        {
            score += block[i] == Header[i] ? 1 : 0;
        }

        if (score < HeaderFixupScore)
        {
            return false;
        }

        if (score < Header.Length)
        {
            Header.CopyTo(block);
        }

        return Sum(block) == 0 && block[18] == 1;
    }

    private static byte Checksum(ReadOnlySpan<byte> block) => (byte)(0x100 - Sum(block[..^1]));

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        int sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return (byte)sum;
    }

    private static ushort PnpId(string id) => (ushort)(((id[0] - 'A' + 1) << 10) | ((id[1] - 'A' + 1) << 5) | (id[2] - 'A' + 1));

    private static void WriteDetailedTiming(Span<byte> d, DisplayTiming t)
    {
        int hActive = t.Width, vActive = t.Height;
        BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)(t.PixelClockKHz / 10));
        d[2] = (byte)hActive;
        d[3] = (byte)t.HBlank;
        d[4] = (byte)(((hActive >> 8) << 4) | (t.HBlank >> 8));
        d[5] = (byte)vActive;
        d[6] = (byte)t.VBlank;
        d[7] = (byte)(((vActive >> 8) << 4) | (t.VBlank >> 8));
        d[8] = (byte)t.HFrontPorch;
        d[9] = (byte)t.HSync;
        d[10] = (byte)(((t.VFrontPorch & 0xF) << 4) | (t.VSync & 0xF));
        d[11] = (byte)(((t.HFrontPorch >> 8) << 6) | ((t.HSync >> 8) << 4) | ((t.VFrontPorch >> 4) << 2) | (t.VSync >> 4));
        d[12] = (byte)t.WidthMm;
        d[13] = (byte)t.HeightMm;
        d[14] = (byte)(((t.WidthMm >> 8) << 4) | (t.HeightMm >> 8));
        d[15] = 0; // no borders
        d[16] = 0;
        d[17] = (byte)(0x18 | (t.VSyncPositive ? 0x04 : 0) | (t.HSyncPositive ? 0x02 : 0)); // digital separate sync
    }

    /// <summary>A display descriptor: 3 zero bytes, the tag, 0, then 13 bytes of text ended by a line feed and padded with spaces (all zero for the dummy).</summary>
    private static void WriteDescriptor(Span<byte> d, byte tag, string text)
    {
        d.Clear();
        d[3] = tag;
        if (text.Length > 0)
        {
            var body = d[5..];
            body.Fill((byte)' ');
            int n = Encoding.ASCII.GetBytes(text, body);
            if (n < body.Length)
            {
                body[n] = (byte)'\n';
            }
        }
    }
}
