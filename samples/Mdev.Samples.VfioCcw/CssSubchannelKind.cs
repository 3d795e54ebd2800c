using System.Globalization;
using System.Text;
using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// What the css bus gives an I/O subchannel in sysfs, following Linux 6.12 (drivers/s390/cio/css.c): the bus's
/// <c>type</c> (<c>"%01x\n"</c> of the subchannel type, 0 for I/O), <c>modalias</c> (<c>css:t%01X</c>) and
/// <c>driver_override</c>; the I/O subchannel type's <c>chpids</c> (eight <c>"%02x "</c>, then a newline),
/// <c>pimpampom</c> (<c>"%02x %02x %02x\n"</c>) and <c>dev_busid</c> (<c>0.&lt;ssid&gt;.&lt;devno&gt;</c>, the device's
/// bus id); and <c>css_uevent</c>'s <c>ST=%01X</c> and <c>MODALIAS=css:t%01X</c>. No <c>DEVTYPE</c>: the I/O subchannel
/// type has no name.
/// </summary>
/// <remarks>Thread-safe: <c>driver_override</c> is guarded by a lock; the path masks are read as single bytes.</remarks>
internal sealed class CssSubchannelKind
{
    /// <summary><c>SUBCHANNEL_TYPE_IO</c>.</summary>
    public const int IoSubchannelType = 0;

    private readonly Lock _lock = new();
    private readonly Subchannel _subchannel;
    private string? _driverOverride;

    public CssSubchannelKind(Subchannel subchannel)
    {
        _subchannel = subchannel;
    }

    public static string Modalias => string.Create(CultureInfo.InvariantCulture, $"css:t{IoSubchannelType:X1}");

    public DeviceKind Create() => new(
        null,
        [
            new AttributeGroup<Device>(null,
            [
                MdevAttribute<Device>.ReadOnly("type", _ => string.Create(CultureInfo.InvariantCulture, $"{IoSubchannelType:x1}\n")),
                MdevAttribute<Device>.ReadOnly("modalias", _ => Modalias + "\n"),
                MdevAttribute<Device>.ReadWrite("driver_override", _ => DriverOverrideShow(), (_, text) => DriverOverrideStore(text)),
            ]),
            new AttributeGroup<Device>(null,
            [
                MdevAttribute<Device>.ReadOnly("chpids", _ => ChpidsText()),
                MdevAttribute<Device>.ReadOnly("pimpampom", _ => string.Create(CultureInfo.InvariantCulture, $"{_subchannel.Pim:x2} {_subchannel.Pim:x2} {_subchannel.Pom:x2}\n")),
                MdevAttribute<Device>.ReadOnly("dev_busid", _ => string.Create(CultureInfo.InvariantCulture, $"0.{_subchannel.Id.SsId:x}.{_subchannel.DeviceNumber:x4}\n")),
            ]),
        ],
        _ =>
        [
            new("ST", IoSubchannelType.ToString("X1", CultureInfo.InvariantCulture)),
            new("MODALIAS", Modalias),
        ]);

    /// <summary><c>chpids_show</c>: for each of the 8 paths its CHPID when installed, else 00, each followed by a space.</summary>
    private string ChpidsText()
    {
        var text = new StringBuilder();
        for (int path = 0; path < 8; path++)
        {
            byte chpid = (_subchannel.Pim & (0x80 >> path)) != 0 && path < _subchannel.Chpids.Count ? _subchannel.Chpids[path] : (byte)0;
            text.Append(CultureInfo.InvariantCulture, $"{chpid:x2} ");
        }

        return text.Append('\n').ToString();
    }

    /// <summary><c>"%s\n"</c> of the override: <c>(null)</c> when none is set.</summary>
    private string DriverOverrideShow()
    {
        lock (_lock)
        {
            return (_driverOverride ?? "(null)") + "\n";
        }
    }

    /// <summary><c>driver_set_override</c>: <c>EINVAL</c> from PAGE_SIZE - 1 bytes on; up to the first newline; empty clears.</summary>
    private void DriverOverrideStore(string text)
    {
        if (text.Length >= 4096 - 1)
        {
            throw new MdevException(Errno.EINVAL, $"subchannel {_subchannel.Id}: driver_override of {text.Length} bytes is too long");
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        var value = newline < 0 ? text : text[..newline];
        lock (_lock)
        {
            _driverOverride = value.Length == 0 ? null : value;
        }
    }
}
