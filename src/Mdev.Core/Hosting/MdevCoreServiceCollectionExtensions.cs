using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mdev.Core;

/// <summary>Registers an <see cref="MdevCore"/> in a service collection.</summary>
public static class MdevCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="MdevCore"/> (idempotent: a second call adds nothing but may configure the options
    /// again). The core takes <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> from the container when present.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options, or null.</param>
    /// <returns>A builder to add parents and bus drivers.</returns>
    public static MdevCoreBuilder AddMdevCore(this IServiceCollection services, Action<MdevCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.AddSingleton(new MdevCoreConfigure(configure));
        }

        services.TryAddSingleton(sp =>
        {
            var options = new MdevCoreOptions();
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            foreach (var c in sp.GetServices<MdevCoreConfigure>())
            {
                c.Configure(options);
            }

            var core = new MdevCore(options, sp.GetService<ILoggerFactory>());
            foreach (var setup in sp.GetServices<MdevCoreSetup>().OrderBy(s => s.Order))
            {
                setup.Apply(sp, core);
            }

            return core;
        });
        return new MdevCoreBuilder(services);
    }
}
