using Mdev.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Mdev.Vfio;

/// <summary>Registers a <see cref="VfioModule"/> beside the container's <see cref="MdevCore"/>.</summary>
public static class VfioServiceCollectionExtensions
{
    /// <summary>
    /// Adds the core (<see cref="MdevCoreServiceCollectionExtensions.AddMdevCore"/>, if not there yet) and a singleton
    /// <see cref="VfioModule"/> on it. The module is created with the core, before any bus driver or parent is
    /// registered, whichever of the two is resolved first. Under the modern policy it registers no driver: add the
    /// vendor's own with <see cref="VfioCoreBuilderExtensions.AddVfioVendorDriver"/> (under
    /// <see cref="RemovePolicy.Legacy2016"/> it registers <c>vfio_mdev</c>). Idempotent.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The core's builder, to add parents and bus drivers.</returns>
    public static MdevCoreBuilder AddVfio(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services.AddMdevCore());
    }

    /// <summary>
    /// The keyed twin of <see cref="AddVfio"/>: adds the keyed core
    /// (<see cref="MdevCoreServiceCollectionExtensions.AddKeyedMdevCore"/>) and a <see cref="VfioModule"/> on it,
    /// resolved with <c>GetRequiredKeyedService&lt;VfioModule&gt;(serviceKey)</c>. Idempotent per key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The core's key.</param>
    /// <returns>The keyed core's builder.</returns>
    public static MdevCoreBuilder AddKeyedVfio(this IServiceCollection services, string serviceKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services.AddKeyedMdevCore(serviceKey));
    }

    private static MdevCoreBuilder Add(MdevCoreBuilder builder)
    {
        var services = builder.Services;
        var key = builder.Key;
        if (services.Any(s => s.ServiceType == typeof(VfioModuleSlot) && Equals(s.ServiceKey, key)))
        {
            return builder;
        }

        // The slot is filled by the core's set-up (Order -1: before bus drivers and parents).
        services.AddSingleton(new MdevCoreSetup((sp, core) => Slot(sp, key).Module = new VfioModule(core), Order: -1, key));
        if (key is null)
        {
            services.AddSingleton<VfioModuleSlot>();
            services.AddSingleton(sp => Module(sp, null));
        }
        else
        {
            services.AddKeyedSingleton<VfioModuleSlot>(key);
            services.AddKeyedSingleton(key, (sp, _) => Module(sp, key));
        }

        return builder;
    }

    private static VfioModule Module(IServiceProvider sp, string? key)
    {
        _ = key is null ? sp.GetRequiredService<MdevCore>() : sp.GetRequiredKeyedService<MdevCore>(key); // builds the core, which builds the module
        return Slot(sp, key).Module!;
    }

    internal static VfioModuleSlot Slot(IServiceProvider sp, string? key) =>
        key is null ? sp.GetRequiredService<VfioModuleSlot>() : sp.GetRequiredKeyedService<VfioModuleSlot>(key);
}
