using System.Globalization;
using Mdev.Core;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// What the AP bus gives its devices in sysfs, following Linux 6.12 (drivers/s390/crypto/ap_bus.c, ap_card.c,
/// ap_queue.c). Cards <c>/sys/devices/ap/cardXX</c>: <c>DEVTYPE=ap_card</c>, <c>ap_uevent</c>'s <c>DEV_TYPE=%04X</c>,
/// <c>MODALIAS=ap:t%02X</c>, <c>MODE=cca</c>; attributes <c>hwtype</c>, <c>raw_hwtype</c>, <c>depth</c>,
/// <c>ap_functions</c> (<c>0x%08X</c>), <c>request_count</c>, <c>requestq_count</c>, <c>pendingq_count</c>,
/// <c>modalias</c>, <c>chkstop</c>. Queues <c>cardXX/XX.YYYY</c>: <c>DEVTYPE=ap_queue</c> and only <c>MODE=cca</c> (the
/// kernel's <c>ap_uevent</c> gives a queue no <c>MODALIAS</c>); attributes <c>request_count</c>, <c>requestq_count</c>,
/// <c>pendingq_count</c>, <c>chkstop</c>. Every card is a CEX7 coprocessor (type 13) bound to <c>cex4card</c>; the host
/// sends no requests through a queue bound to vfio_ap, so the counters read 0.
/// </summary>
internal static class ApDeviceKinds
{
    /// <summary><c>AP_DEVICE_TYPE_CEX7</c>.</summary>
    public const int Cex7 = 13;

    /// <summary>The card driver of CEX4 to CEX8 cards (zcrypt_cex4.c).</summary>
    public const string CardDriver = "cex4card";

    /// <summary>
    /// The card's facilities (TAPQ GR2): MEX4K, CRT4K, COPRO (CCA) and APXA, bits 1, 2, 3 and 6 from the left
    /// (<c>AP_FUNC_*</c>).
    /// </summary>
    public const uint Functions = 0x7200_0000;

    /// <summary>The queue depth the card reports.</summary>
    public const int Depth = 8;

    public static string Modalias => string.Create(CultureInfo.InvariantCulture, $"ap:t{Cex7:X2}");

    public static DeviceKind Card { get; } = new(
        "ap_card",
        [
            new AttributeGroup<Device>(null,
            [
                Text("hwtype", Cex7.ToString(CultureInfo.InvariantCulture)),
                Text("raw_hwtype", Cex7.ToString(CultureInfo.InvariantCulture)),
                Text("depth", Depth.ToString(CultureInfo.InvariantCulture)),
                Text("ap_functions", string.Create(CultureInfo.InvariantCulture, $"0x{Functions:X8}")),
                Text("request_count", "0"),
                Text("requestq_count", "0"),
                Text("pendingq_count", "0"),
                Text("modalias", Modalias),
                Text("chkstop", "0"),
            ]),
        ],
        _ =>
        [
            new("DEV_TYPE", Cex7.ToString("X4", CultureInfo.InvariantCulture)),
            new("MODALIAS", Modalias),
            new("MODE", "cca"),
        ]);

    public static DeviceKind Queue { get; } = new(
        "ap_queue",
        [
            new AttributeGroup<Device>(null,
            [
                Text("request_count", "0"),
                Text("requestq_count", "0"),
                Text("pendingq_count", "0"),
                Text("chkstop", "0"),
            ]),
        ],
        _ => [new("MODE", "cca")]);

    private static MdevAttribute<Device> Text(string name, string value)
    {
        var text = value + "\n";
        return MdevAttribute<Device>.ReadOnly(name, _ => text);
    }
}
