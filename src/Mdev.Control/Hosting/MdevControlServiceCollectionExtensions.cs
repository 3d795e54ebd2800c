using Mdev.Core.Sysfs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mdev.Control;

/// <summary>Registers an <see cref="MdevControl"/> in a service collection.</summary>
public static class MdevControlServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="MdevControl"/> (idempotent: a second call adds nothing but may configure the options
    /// again). It works on the container's <see cref="ISysfs"/> when one is registered, else on the host's
    /// <c>/sys</c>, and takes <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> from the container when present.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options (e.g. <see cref="MdevControlOptions.Root"/>), or null.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMdevControl(this IServiceCollection services, Action<MdevControlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.AddSingleton(new MdevControlConfigure(configure));
        }

        services.TryAddSingleton(sp =>
        {
            var options = new MdevControlOptions();
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            foreach (var c in sp.GetServices<MdevControlConfigure>())
            {
                c.Configure(options);
            }

            var sysfs = sp.GetService<ISysfs>() ?? (OperatingSystem.IsLinux()
                ? new DirectorySysfs("/sys")
                : throw new PlatformNotSupportedException("register an ISysfs: there is no /sys outside Linux"));
            return new MdevControl(sysfs, options, sp.GetService<ILoggerFactory>()?.CreateLogger<MdevControl>());
        });
        return services;
    }
}
