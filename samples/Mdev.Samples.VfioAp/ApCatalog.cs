namespace Mdev.Samples.VfioAp;

/// <summary>The names vfio-ap shows (<c>drivers/s390/crypto/vfio_ap_drv.c</c>, <c>vfio_ap_ops.c</c>) and its fixed limits.</summary>
internal static class ApCatalog
{
    /// <summary>The matrix device: under the root device <c>vfio_ap</c>.</summary>
    public const string MatrixPath = "/sys/devices/vfio_ap/matrix";

    /// <summary>The matrix device's bus.</summary>
    public const string MatrixBus = "matrix";

    /// <summary>The driver bound to the matrix device and to the AP queues it may use; it prefixes the type directory.</summary>
    public const string Driver = "vfio_ap";

    /// <summary>Where AP queue devices live: <c>/sys/devices/ap/card&lt;xx&gt;/&lt;xx.yyyy&gt;</c> on bus <c>ap</c>.</summary>
    public const string ApDevicesPath = "/sys/devices/ap";

    /// <summary>The AP bus.</summary>
    public const string ApBus = "ap";

    /// <summary>The mdev bus driver.</summary>
    public const string MdevDriver = "vfio_ap_mdev";

    /// <summary>The module of the mdev driver (<c>KBUILD_MODNAME</c> of drivers/s390/crypto/vfio_ap_*.c): <c>/sys/module/vfio_ap</c>.</summary>
    public const string Module = "vfio_ap";

    /// <summary><c>VFIO_AP_MDEV_TYPE_HWVIRT</c>.</summary>
    public const string TypeName = "passthrough";

    /// <summary><c>VFIO_AP_MDEV_NAME_HWVIRT</c>.</summary>
    public const string PrettyName = "VFIO AP Passthrough Device";

    /// <summary><c>VFIO_DEVICE_API_AP_STRING</c>.</summary>
    public const string DeviceApi = "vfio-ap";

    /// <summary><c>MAX_ZDEV_ENTRIES_EXT</c> (256 × 256): the instance pool.</summary>
    public const int MaxInstances = 256 * 256;

    /// <summary>Adapter ids without APXA: 0..63.</summary>
    public const int MaxAdapterIdWithoutApxa = 63;

    /// <summary>Domain ids without APXA: 0..15.</summary>
    public const int MaxDomainIdWithoutApxa = 15;

    /// <summary>Bits in each AP mask (<c>AP_DEVICES</c>, <c>AP_DOMAINS</c>).</summary>
    public const int MaskBits = 256;
}
