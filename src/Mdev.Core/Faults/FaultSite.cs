namespace Mdev.Core;

/// <summary>Where a guarded step runs: what a <see cref="FaultSpec"/> is matched against. Null fields are unknown there.</summary>
/// <param name="Parent">The parent device's name.</param>
/// <param name="TypeName">The type's directory name (<c>mtty-2</c>).</param>
/// <param name="TypeId">The type's id (<c>2</c>).</param>
/// <param name="Device">The mdev device's name (lower-case UUID).</param>
/// <param name="Attribute">The attribute's file name (attribute stores only).</param>
/// <param name="Path">The attribute's path as opened (attribute stores only).</param>
internal readonly record struct FaultSite(string? Parent, string? TypeName, string? TypeId, string? Device, string? Attribute = null, string? Path = null)
{
    /// <summary>The site of a step on an mdev device.</summary>
    public static FaultSite Of(MdevDevice mdev) => new(mdev.Parent.Device.Name, mdev.Type.Name, mdev.Type.SysfsName, mdev.Name);

    /// <summary>The site of a step on a type (create).</summary>
    public static FaultSite Of(MdevType type, string device) => new(type.Parent.Device.Name, type.Name, type.SysfsName, device);
}
