using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty;

/// <summary>
/// The kernel's <c>samples/vfio-mdev/mtty.c</c> (modern): a virtual PCI serial card whose devices have one or two
/// 16550 UARTs, used through VFIO. <see cref="Register"/> does what loading the module does.
/// </summary>
public static class Mtty
{
    /// <summary>The parent device: class <c>mtty</c>, no bus, no driver, so its types are <c>mtty-1</c> and <c>mtty-2</c>.</summary>
    public const string ParentPath = "/sys/devices/virtual/mtty/mtty";

    /// <summary>The mdev bus driver that binds mtty devices, <c>/sys/bus/mdev/drivers/mtty</c>.</summary>
    public const string DriverName = "mtty";

    /// <summary>
    /// <c>mtty_dev_init</c>: registers the <c>mtty</c> mdev driver with <paramref name="vfio"/>, adds the parent device and
    /// registers it as an mdev parent with types <c>mtty-1</c> ("Single port serial") and <c>mtty-2</c> ("Dual port
    /// serial") sharing 24 ports. On failure nothing stays registered.
    /// </summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">The VFIO module on that core.</param>
    /// <returns>The registered parent.</returns>
    /// <exception cref="ArgumentException"><paramref name="vfio"/> serves another core.</exception>
    /// <exception cref="MdevException"><c>EBUSY</c> when an <c>mtty</c> driver is registered already; <c>EEXIST</c> when the parent device exists.</exception>
    public static MdevParent Register(MdevCore core, VfioModule vfio)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        if (vfio.Core != core)
        {
            throw new ArgumentException("the VFIO module must be the one on this mdev core", nameof(vfio));
        }

        vfio.RegisterVendorDriver(DriverName);
        Device? device = null;
        try
        {
            device = core.AddDevice(ParentPath, deviceClass: "mtty");
            return core.RegisterParent(device, new MttyParentOps());
        }
        catch
        {
            if (device is not null)
            {
                core.DeleteDeviceAsync(device).GetAwaiter().GetResult();
            }

            core.UnregisterDriver(core.Drivers.First(d => d.Name == DriverName));
            throw;
        }
    }
}
