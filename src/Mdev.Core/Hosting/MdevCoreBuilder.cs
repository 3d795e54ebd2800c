using Microsoft.Extensions.DependencyInjection;

namespace Mdev.Core;

/// <summary>Adds parents (vendor drivers) and mdev bus drivers to the <see cref="MdevCore"/> a container builds.</summary>
public sealed class MdevCoreBuilder
{
    internal MdevCoreBuilder(IServiceCollection services, string? key)
    {
        Services = services;
        Key = key;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The key of the core this builder adds to (<see cref="MdevCoreServiceCollectionExtensions.AddKeyedMdevCore"/>), or null for the unkeyed core.</summary>
    public string? Key { get; }

    /// <summary>Registers an mdev bus driver when the core is built (before any parent).</summary>
    /// <param name="factory">Creates the driver.</param>
    /// <returns>This builder.</returns>
    public MdevCoreBuilder AddBusDriver(Func<IServiceProvider, MdevDriver> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new MdevCoreSetup((sp, core) => core.RegisterDriver(factory(sp)), Order: 0, Key));
        return this;
    }

    /// <summary>Adds a device to the tree and registers it as a parent when the core is built.</summary>
    /// <param name="sysfsPath">The device's path below <c>/sys/devices/</c>.</param>
    /// <param name="factory">Creates the vendor's ops.</param>
    /// <param name="bus">The device's bus, or null.</param>
    /// <param name="deviceClass">The device's class, or null.</param>
    /// <param name="driver">The driver bound to the device, or null.</param>
    /// <returns>This builder.</returns>
    public MdevCoreBuilder AddParent(string sysfsPath, Func<IServiceProvider, ParentOps> factory, string? bus = null, string? deviceClass = null, string? driver = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new MdevCoreSetup(
            (sp, core) => core.RegisterParent(core.AddDevice(sysfsPath, bus, deviceClass, driver), factory(sp)),
            Order: 1,
            Key));
        return this;
    }
}
