using System.Globalization;
using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>A subchannel id as the css bus names it: <c>cssid.ssid.number</c>, printed <c>%x.%x.%04x</c> (e.g. <c>0.0.0313</c>).</summary>
/// <param name="CssId">The channel subsystem id (0..255).</param>
/// <param name="SsId">The subchannel set id (0..3).</param>
/// <param name="Number">The subchannel number.</param>
internal readonly record struct SubchannelId(byte CssId, byte SsId, ushort Number)
{
    /// <summary>The subsystem-identification word (<c>0x0001 | ssid</c> above the number) that stands in for the kernel's interruption parameter.</summary>
    public uint Sid => 0x0001_0000u | ((uint)SsId << 17) | Number;

    /// <summary>Parses <c>cssid.ssid.number</c> with hex fields: cssid 1-2 digits, ssid 0..3, number exactly 4 digits.</summary>
    /// <param name="text">The id.</param>
    /// <returns>The id.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for anything else.</exception>
    public static SubchannelId Parse(string? text)
    {
        var parts = (text ?? string.Empty).Split('.');
        if (parts.Length == 3
            && parts[0].Length is 1 or 2 && byte.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cssid)
            && parts[1].Length == 1 && byte.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ssid) && ssid <= 3
            && parts[2].Length == 4 && ushort.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var number))
        {
            return new SubchannelId(cssid, ssid, number);
        }

        throw new MdevException(Errno.EINVAL, $"vfio-ccw subchannel '{text}': the id must read cssid.ssid.number (hex, e.g. 0.0.0313)");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CssId:x}.{SsId:x}.{Number:x4}");
}
