namespace Mdev.Core;

/// <summary>
/// A supported type as a vendor declares it: the seed's <c>supported_type_groups[i]</c> (an attribute group named by the
/// type id) with the modern kernel's refinements (<c>struct mdev_type { sysfs_name, pretty_name }</c> and the driver's
/// <c>device_api</c>). The core turns it into the directory <c>mdev_supported_types/&lt;driver string&gt;-&lt;Name&gt;</c>.
/// </summary>
public sealed class MdevTypeGroup
{
    /// <summary>Declares a type.</summary>
    /// <param name="name">The type id, the part after <c>&lt;driver&gt;-</c> (<c>"2"</c> for <c>mtty-2</c>).</param>
    /// <param name="deviceApi">What <c>device_api</c> shows (<c>vfio-pci</c>, <c>vfio-ccw</c>, <c>vfio-ap</c>, ...); required.</param>
    /// <param name="prettyName">What <c>name</c> shows; null shows <paramref name="name"/> (modern fallback).</param>
    /// <param name="attributes">Extra vendor attributes in the type directory (2016 style), or null.</param>
    public MdevTypeGroup(string name, string deviceApi, string? prettyName = null, IReadOnlyList<MdevAttribute<MdevType>>? attributes = null)
    {
        Name = name;
        DeviceApi = deviceApi;
        PrettyName = prettyName;
        Attributes = attributes ?? [];
    }

    /// <summary>The type id (<c>sysfs_name</c>).</summary>
    public string Name { get; }

    /// <summary>The <c>device_api</c> string.</summary>
    public string DeviceApi { get; }

    /// <summary>The <c>pretty_name</c>, or null.</summary>
    public string? PrettyName { get; }

    /// <summary>Extra vendor attributes in the type directory.</summary>
    public IReadOnlyList<MdevAttribute<MdevType>> Attributes { get; }
}
