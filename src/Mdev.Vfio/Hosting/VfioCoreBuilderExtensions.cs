using Mdev.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Mdev.Vfio;

/// <summary>Adds a vendor's VFIO mdev driver to the <see cref="MdevCore"/> a container builds.</summary>
public static class VfioCoreBuilderExtensions
{
    /// <summary>
    /// Registers the vendor's own VFIO-backed mdev bus driver (<see cref="VfioModule.CreateMdevDriver"/>, the modern
    /// kernel's per-vendor <c>mdev_driver</c>, e.g. <c>mtty</c>) when the core is built, before any parent, and adds
    /// the <see cref="VfioModule"/> of the builder's core (<see cref="VfioServiceCollectionExtensions.AddVfio"/>, or
    /// <see cref="VfioServiceCollectionExtensions.AddKeyedVfio"/> for a keyed core) if it is not there yet.
    /// A parent binds its devices to it when its <see cref="ParentOps.DriverName"/> names it, or when it is the
    /// first driver registered.
    /// </summary>
    /// <param name="builder">The core's builder.</param>
    /// <param name="name">The driver's name under <c>/sys/bus/mdev/drivers/</c>.</param>
    /// <param name="module">The module it belongs to (its <c>module</c> link), or null for <paramref name="name"/>.</param>
    /// <returns>The builder.</returns>
    public static MdevCoreBuilder AddVfioVendorDriver(this MdevCoreBuilder builder, string name, string? module = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = builder.Key;
        _ = key is null ? builder.Services.AddVfio() : builder.Services.AddKeyedVfio(key);
        // The slot is filled by AddVfio's set-up (Order -1), which runs before the bus drivers' (Order 0).
        return builder.AddBusDriver(sp => VfioServiceCollectionExtensions.Slot(sp, key).Module!.CreateMdevDriver(name, module));
    }
}
