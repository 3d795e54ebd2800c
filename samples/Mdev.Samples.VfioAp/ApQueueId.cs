using System.Globalization;
using Mdev.Core;

namespace Mdev.Samples.VfioAp;

/// <summary>An AP queue number (APQN): adapter id (APID) and domain / queue index (APQI), printed <c>%02x.%04x</c>.</summary>
/// <param name="Apid">The adapter id.</param>
/// <param name="Apqi">The queue index.</param>
internal readonly record struct ApQueueId(int Apid, int Apqi)
{
    /// <summary>Parses <c>xx.yyyy</c> (hex, 2 and 4 digits, each id below 256).</summary>
    /// <param name="text">The APQN.</param>
    /// <returns>The id.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for anything else.</exception>
    public static ApQueueId Parse(string? text)
    {
        var parts = (text ?? string.Empty).Split('.');
        if (parts.Length == 2 && parts[0].Length == 2 && parts[1].Length == 4
            && int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var apid)
            && int.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var apqi)
            && apqi < ApCatalog.MaskBits)
        {
            return new ApQueueId(apid, apqi);
        }

        throw new MdevException(Errno.EINVAL, $"vfio-ap queue '{text}': an APQN reads xx.yyyy in hex with ids below 256");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Apid:x2}.{Apqi:x4}");
}
