using Mdev.Vfio.Pci;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// A vendor driver in the style of NVIDIA's vGPU host driver (<c>nvidia</c> + <c>nvidia_vgpu_vfio</c>): one physical
/// GPU of a catalog board on the PCI bus, bound to <c>nvidia</c>, offering types <c>nvidia-&lt;id&gt;</c> named
/// <c>GRID &lt;board&gt;-&lt;profile&gt;</c> with a one-line description; all vGPUs on the GPU share one type, so once a
/// type is in use it shows <c>max_instance - created</c> and every other type 0. Its devices bind to the mdev driver
/// <see cref="MdevDriverName"/>.
/// </summary>
public static class NvidiaVgpu
{
    /// <summary>The PCI driver the GPU is bound to, the prefix of its type directories.</summary>
    public const string DriverName = "nvidia";

    /// <summary>
    /// The vGPU mdev driver, <c>/sys/bus/mdev/drivers/nvidia-vgpu-vfio</c>. NVIDIA's host driver is closed source; the
    /// name is the one its <c>nvidia-vgpu-vfio</c> module is known by (no public <c>ls /sys/bus/mdev/drivers</c> listing
    /// was found to confirm it, so it stays the model's assumption).
    /// </summary>
    public const string MdevDriverName = "nvidia-vgpu-vfio";

    /// <summary>The module of <see cref="MdevDriverName"/>: <c>nvidia_vgpu_vfio.ko</c>, <c>/sys/module/nvidia_vgpu_vfio</c>.</summary>
    public const string MdevDriverModule = "nvidia_vgpu_vfio";

    /// <summary>Adds the GPU to the device tree and registers it as an mdev parent.</summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">The VFIO stack on <paramref name="core"/>: the first GPU registers <see cref="MdevDriverName"/> with it, which binds the vGPUs.</param>
    /// <param name="options">The GPU; null for one GPU of a Tesla M60 at <c>0000:3e:00.0</c>.</param>
    /// <returns>The parent.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unknown board, a malformed PCI address or a VFIO stack of another core; <c>EEXIST</c> when the address is taken. Nothing is left behind.</exception>
    public static MdevParent Register(MdevCore core, VfioModule vfio, NvidiaGpuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        options ??= new NvidiaGpuOptions();
        if (vfio.Core != core)
        {
            throw new MdevException(Errno.EINVAL, "nvidia: the VFIO stack belongs to another MdevCore");
        }

        var board = BoardCatalog.Find(options.Board);
        var function = GpuHostFunction.Create(options, board);
        if (!core.Drivers.Any(d => d.Name == MdevDriverName))
        {
            // nvidia_vgpu_vfio's init: one mdev driver serves every GPU; it stays registered when a GPU fails.
            vfio.RegisterVendorDriver(MdevDriverName, MdevDriverModule);
        }

        var device = function.AddTo(core, DriverName);
        try
        {
            return core.RegisterParent(device, new NvidiaParentOps(board, device.Name));
        }
        catch
        {
            core.DeleteDeviceAsync(device).GetAwaiter().GetResult();
            throw;
        }
    }
}
