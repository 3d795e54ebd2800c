using Mdev.Vfio.Pci;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// A vendor driver in the style of Intel GVT-g (<c>drivers/gpu/drm/i915/gvt</c>, kvmgt): the integrated GPU on the PCI
/// bus, bound to <c>i915</c>, offering types <c>i915-GVTg_V5_&lt;n&gt;</c> from the vGPU config table as far as the
/// aperture holds them, with availability the minimum over low GM, high GM and fences that all types share.
/// </summary>
public static class I915Gvt
{
    /// <summary>The PCI driver the iGPU is bound to, the prefix of its type directories.</summary>
    public const string DriverName = "i915";

    /// <summary>Adds the iGPU to the device tree, registers kvmgt's mdev driver <c>intel_vgpu_mdev</c> on VFIO (once) and the iGPU as an mdev parent.</summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">The VFIO stack on <paramref name="core"/>.</param>
    /// <param name="options">The iGPU; null for <c>0000:00:02.0</c> with a 4 GiB GGTT, a 512 MiB aperture and 32 fences (types V5_8, V5_4, V5_2 with 6, 3 and 1 instances).</param>
    /// <returns>The parent.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for hardware GVT-g cannot serve, a malformed PCI address or a VFIO stack of another core; <c>EEXIST</c> when the address is taken. Nothing is left behind but the mdev driver.</exception>
    public static MdevParent Register(MdevCore core, VfioModule vfio, GvtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        options ??= new GvtOptions();
        if (vfio.Core != core)
        {
            throw new MdevException(Errno.EINVAL, "i915 GVT-g: the VFIO stack belongs to another MdevCore");
        }

        var hardware = GvtHardware.From(options);
        var function = GvtHostFunction.Create(options); // validates the address before anything is registered
        if (!core.Drivers.Any(d => d.Name == GvtParentOps.MdevDriverName))
        {
            vfio.RegisterVendorDriver(GvtParentOps.MdevDriverName, GvtParentOps.MdevDriverModule);
        }

        var device = function.AddTo(core, DriverName);
        try
        {
            return core.RegisterParent(device, new GvtParentOps(hardware));
        }
        catch
        {
            core.DeleteDeviceAsync(device).GetAwaiter().GetResult();
            throw;
        }
    }
}
