namespace Mdev.Control;

/// <summary>What <c>mdevctl modify</c> changes in a definition; null members change nothing. Running devices are unaffected.</summary>
public sealed record MdevModification
{
    /// <summary>The new <c>mdev_type</c> (<c>-t</c>), or null to keep it.</summary>
    public string? Type { get; init; }

    /// <summary>True for <c>--auto</c>, false for <c>--manual</c>, null to keep the start mode.</summary>
    public bool? AutoStart { get; init; }

    /// <summary>An attribute to add (<c>--addattr</c>/<c>--value</c>): appended, or inserted at <see cref="Index"/>.</summary>
    public MdevConfigAttribute? AddAttribute { get; init; }

    /// <summary>Delete an attribute (<c>--delattr</c>): the last one, or the one at <see cref="Index"/>. Ignored when <see cref="AddAttribute"/> is set, as mdevctl.</summary>
    public bool DeleteAttribute { get; init; }

    /// <summary>The attribute index for <see cref="AddAttribute"/> or <see cref="DeleteAttribute"/> (<c>--index</c>), or null for the end of the list.</summary>
    public int? Index { get; init; }
}
