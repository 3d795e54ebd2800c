using System.Globalization;
using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>A PCI function address <c>dddd:bb:dd.f</c> (lower-case hex, as sysfs names it) and where such a device sits in sysfs.</summary>
public static class PciAddress
{
    /// <summary>The sysfs path of a function on its root bus: <c>/sys/devices/pci&lt;domain&gt;:00/&lt;address&gt;</c>.</summary>
    /// <param name="address">The address, e.g. <c>0000:00:02.0</c>.</param>
    /// <returns>The path, e.g. <c>/sys/devices/pci0000:00/0000:00:02.0</c>.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> unless the address reads <c>dddd:bb:dd.f</c> with device ≤ 0x1f and function ≤ 7.</exception>
    public static string SysfsPath(string address)
    {
        bool ok = address is { Length: 12 } && address[4] == ':' && address[7] == ':' && address[10] == '.'
            && IsHex(address.AsSpan(0, 4)) && IsHex(address.AsSpan(5, 2)) && IsHex(address.AsSpan(8, 2))
            && int.Parse(address.AsSpan(8, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) <= 0x1f
            && address[11] is >= '0' and <= '7';
        return ok
            ? $"/sys/devices/pci{address[..4]}:00/{address}"
            : throw new MdevException(Errno.EINVAL, $"PCI address '{address}': expected dddd:bb:dd.f in lower-case hex (device <= 1f, function <= 7)");
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
