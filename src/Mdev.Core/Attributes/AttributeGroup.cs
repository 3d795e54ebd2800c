namespace Mdev.Core;

/// <summary>
/// A named or unnamed set of attributes (<c>struct attribute_group</c>): an unnamed group puts its files straight in the
/// object's directory, a named one in a subdirectory of that name (e.g. mtty's <c>vendor/sample_mdev_dev</c>).
/// </summary>
/// <typeparam name="TOwner">The object whose directory holds the group.</typeparam>
public sealed class AttributeGroup<TOwner>
    where TOwner : class
{
    /// <summary>Creates a group.</summary>
    /// <param name="name">The subdirectory name, or null for files directly in the object's directory.</param>
    /// <param name="attributes">The attributes.</param>
    public AttributeGroup(string? name, IReadOnlyList<MdevAttribute<TOwner>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        Name = name;
        Attributes = attributes;
    }

    /// <summary>The subdirectory name, or null.</summary>
    public string? Name { get; }

    /// <summary>The attributes, created in this order.</summary>
    public IReadOnlyList<MdevAttribute<TOwner>> Attributes { get; }
}
