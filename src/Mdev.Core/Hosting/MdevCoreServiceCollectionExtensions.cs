using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mdev.Core;

/// <summary>Registers an <see cref="MdevCore"/> in a service collection.</summary>
public static class MdevCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="MdevCore"/> (idempotent: a second call adds nothing but may configure the options
    /// again). Its options come through the options pattern (<c>IOptions&lt;MdevCoreOptions&gt;</c>, so
    /// <c>services.Configure&lt;MdevCoreOptions&gt;(...)</c> works too) and are validated when the core is first
    /// resolved (<see cref="OptionsValidationException"/> naming every bad value). The core takes
    /// <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> from the container when present.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options, or null.</param>
    /// <returns>A builder to add parents and bus drivers.</returns>
    public static MdevCoreBuilder AddMdevCore(this IServiceCollection services, Action<MdevCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, key: null, configure);
    }

    /// <summary>
    /// Adds a keyed singleton <see cref="MdevCore"/>, for a container that holds several simulated hosts: resolve it
    /// with <c>GetRequiredKeyedService&lt;MdevCore&gt;(serviceKey)</c> or <c>[FromKeyedServices(serviceKey)]</c>. Its
    /// options are the named options <paramref name="serviceKey"/> (validated as <see cref="AddMdevCore"/>'s); the
    /// builder's drivers and parents go to this core only. Idempotent per key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key, also the options' name.</param>
    /// <param name="configure">Adjusts the options, or null.</param>
    /// <returns>A builder to add parents and bus drivers to this core.</returns>
    public static MdevCoreBuilder AddKeyedMdevCore(this IServiceCollection services, string serviceKey, Action<MdevCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        return Add(services, serviceKey, configure);
    }

    private static MdevCoreBuilder Add(IServiceCollection services, string? key, Action<MdevCoreOptions>? configure)
    {
        var name = key ?? Options.DefaultName;
        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MdevCoreOptions>, MdevCoreOptionsValidator>());
        if (!services.Any(s => s.ServiceType == typeof(MdevCore) && Equals(s.ServiceKey, key)))
        {
            // Registered before any caller's configure, so an explicit TimeProvider in configure wins.
            services.AddOptions<MdevCoreOptions>(name).Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<TimeProvider>() is { } time)
                {
                    o.TimeProvider = time;
                }
            });
            if (key is null)
            {
                services.AddSingleton(sp => Build(sp, null));
            }
            else
            {
                services.AddKeyedSingleton(key, (sp, _) => Build(sp, key));
            }
        }

        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        return new MdevCoreBuilder(services, key);
    }

    private static MdevCore Build(IServiceProvider sp, string? key)
    {
        // The unkeyed core's options are the container's IOptions<MdevCoreOptions>.Value itself; a keyed core's the named ones.
        var options = key is null
            ? sp.GetRequiredService<IOptions<MdevCoreOptions>>().Value
            : sp.GetRequiredService<IOptionsMonitor<MdevCoreOptions>>().Get(key);
        var core = new MdevCore(options, sp.GetService<ILoggerFactory>());
        foreach (var setup in sp.GetServices<MdevCoreSetup>().Where(s => s.Key == key).OrderBy(s => s.Order))
        {
            setup.Apply(sp, core);
        }

        return core;
    }
}
