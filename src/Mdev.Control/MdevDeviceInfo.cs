namespace Mdev.Control;

/// <summary>One mediated device as <c>mdevctl list</c> (active) or <c>mdevctl list --defined</c> reports it.</summary>
/// <param name="Uuid">The device's UUID (printed lower case and hyphenated).</param>
/// <param name="Parent">For an active device the basename of the directory that holds it in sysfs; for a definition its directory in <c>/etc/mdevctl.d</c>.</param>
/// <param name="Type">For an active device the canonical basename of its <c>mdev_type</c> link; for a definition its <c>mdev_type</c>.</param>
/// <param name="AutoStart">The definition's start mode is <c>auto</c> (false when not defined or not <c>"auto"</c>).</param>
/// <param name="Active">The device exists in sysfs with this parent and type.</param>
/// <param name="Defined">A definition exists at <c>/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c>.</param>
/// <param name="Attributes">The definition's attributes or, for an active device without one, what the <c>get</c> callout answered; never read from sysfs.</param>
public sealed record MdevDeviceInfo(Guid Uuid, string Parent, string Type, bool AutoStart, bool Active, bool Defined, IReadOnlyList<MdevConfigAttribute> Attributes)
{
    /// <summary>Value equality, attributes compared in order.</summary>
    /// <param name="other">The other device.</param>
    /// <returns>True when every member is equal.</returns>
    public bool Equals(MdevDeviceInfo? other) =>
        other is not null && Uuid == other.Uuid && Parent == other.Parent && Type == other.Type && AutoStart == other.AutoStart
        && Active == other.Active && Defined == other.Defined && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Uuid, Parent, Type, AutoStart, Active, Defined, Attributes.Count);

    /// <summary>The device as a definition would store it (type, start mode, attributes).</summary>
    public MdevDeviceConfig Config => new(Type, AutoStart, Attributes);
}
