using Mdev.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        var builder = services.AddMdevCore();
        if (services.Any(s => s.ServiceType == typeof(VfioModuleSlot)))
        {
            return builder;
        }

        services.AddSingleton<VfioModuleSlot>();
        services.AddSingleton(new MdevCoreSetup((sp, core) => sp.GetRequiredService<VfioModuleSlot>().Module = new VfioModule(core), Order: -1));
        services.TryAddSingleton(sp =>
        {
            _ = sp.GetRequiredService<MdevCore>(); // builds the core, which builds the module
            return sp.GetRequiredService<VfioModuleSlot>().Module!;
        });
        return builder;
    }
}
