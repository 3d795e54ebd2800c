namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The names vfio-ccw shows in sysfs (<c>drivers/s390/cio/vfio_ccw_drv.c</c>, <c>vfio_ccw_ops.c</c>) and the identity of
/// the emulated device behind the subchannel.
/// </summary>
internal static class CcwCatalog
{
    /// <summary>Where subchannels live: <c>/sys/devices/css0/&lt;schid&gt;</c>.</summary>
    public const string ChannelSubsystemPath = "/sys/devices/css0";

    /// <summary>The subchannel's bus.</summary>
    public const string Bus = "css";

    /// <summary>The css driver bound to the subchannel; it prefixes the type directory (<c>vfio_ccw-io</c>).</summary>
    public const string CssDriver = "vfio_ccw";

    /// <summary>The mdev bus driver (<c>vfio_ccw_mdev_driver.driver.name</c>).</summary>
    public const string MdevDriver = "vfio_ccw_mdev";

    /// <summary>The module both drivers live in (<c>KBUILD_MODNAME</c> of drivers/s390/cio/vfio_ccw_*.c): <c>/sys/module/vfio_ccw</c>.</summary>
    public const string Module = "vfio_ccw";

    /// <summary>The type's <c>sysfs_name</c>.</summary>
    public const string TypeName = "io";

    /// <summary>The type's <c>pretty_name</c>.</summary>
    public const string PrettyName = "I/O subchannel (Non-QDIO)";

    /// <summary><c>VFIO_DEVICE_API_CCW_STRING</c>.</summary>
    public const string DeviceApi = "vfio-ccw";

    /// <summary><c>vfio_ccw_mdev_driver.max_instances</c>.</summary>
    public const int MaxInstances = 1;

    /// <summary><c>VFIO_CCW_ISC</c> (<c>IO_SCH_ISC</c>): the interruption subclass the subchannel is enabled with.</summary>
    public const byte Isc = 3;

    /// <summary>
    /// SENSE ID data of the emulated device: <c>0xFF</c>, control unit type/model, device type/model (the 3390 on a
    /// 3990 that the kernel's vfio-ccw documentation binds as 0.0.0313 / 0.0.2b09). Only its one-record command set is emulated.
    /// </summary>
    public static ReadOnlySpan<byte> SenseId => [0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C];

    /// <summary>The size of the emulated device's sense data.</summary>
    public const int SenseSize = 32;

    /// <summary>Sense byte 0 bit 0: command reject.</summary>
    public const byte SenseCommandReject = 0x80;
}
