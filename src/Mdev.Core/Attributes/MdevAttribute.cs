namespace Mdev.Core;

/// <summary>
/// A sysfs attribute a driver declares for objects of type <typeparamref name="TOwner"/> (a parent <see cref="Device"/>,
/// an <see cref="MdevDevice"/> or an <see cref="MdevType"/>): the kernel's <c>struct device_attribute</c> /
/// <c>mdev_type_attribute</c>. The core binds it to each object when it creates the object's directory.
/// </summary>
/// <typeparam name="TOwner">The object whose directory holds the file.</typeparam>
/// <remarks>
/// The kernel's mode rules apply when the attribute is added (registration fails with <c>EINVAL</c>): no bits beyond
/// 0777, never world-writable, owner &gt;= group &gt;= others for reading, owner &gt;= group for writing, and a
/// readable mode needs <see cref="Show"/>, a writable one <see cref="Store"/>. A show returns the text exactly as it
/// should read, newline included; a store receives the bytes of one write as Latin-1 text and throws
/// <see cref="MdevException"/> to fail it.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The kernel's own term: a sysfs attribute.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "MdevAttribute<MdevDevice>.ReadOnly(...) reads like DEVICE_ATTR_RO.")]
public sealed class MdevAttribute<TOwner>
    where TOwner : class
{
    /// <summary>Creates an attribute with an explicit mode.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="mode">The permission bits.</param>
    /// <param name="show">Produces the text; null for a write-only attribute.</param>
    /// <param name="store">Consumes a write; null for a read-only attribute.</param>
    public MdevAttribute(string name, UnixFileMode mode, Func<TOwner, string>? show, Action<TOwner, string>? store)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Mode = mode;
        Show = show;
        Store = store;
    }

    /// <summary>The file name.</summary>
    public string Name { get; }

    /// <summary>
    /// For a binary attribute (<c>struct bin_attribute</c>, e.g. a PCI function's <c>config</c>), its size in bytes: its
    /// stat size and the most a read returns (a text attribute's show is cut to 4095 bytes); null for a text attribute.
    /// </summary>
    public int? BinarySize { get; private init; }

    /// <summary>The permission bits.</summary>
    public UnixFileMode Mode { get; }

    /// <summary>The show callback, or null.</summary>
    public Func<TOwner, string>? Show { get; }

    /// <summary>The store callback, or null.</summary>
    public Action<TOwner, string>? Store { get; }

    /// <summary>
    /// A binary attribute (<c>BIN_ATTR</c>): <paramref name="show"/> returns the bytes as Latin-1 text (one char per
    /// byte), read at any offset up to <paramref name="size"/>.
    /// </summary>
    /// <param name="name">The file name.</param>
    /// <param name="mode">The permission bits.</param>
    /// <param name="size">The size in bytes, at least 1.</param>
    /// <param name="show">Produces the bytes.</param>
    /// <param name="store">Consumes a write; null for a read-only attribute.</param>
    /// <returns>The attribute.</returns>
    public static MdevAttribute<TOwner> Binary(string name, UnixFileMode mode, int size, Func<TOwner, string> show, Action<TOwner, string>? store)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return new(name, mode, show, store) { BinarySize = size };
    }

    /// <summary>A read-only attribute, mode 0444 (<c>DEVICE_ATTR_RO</c>).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="show">Produces the text.</param>
    /// <returns>The attribute.</returns>
    public static MdevAttribute<TOwner> ReadOnly(string name, Func<TOwner, string> show) =>
        new(name, Sysfs.SysfsModes.ReadOnly, show, null);

    /// <summary>A write-only attribute, mode 0200 (<c>DEVICE_ATTR_WO</c>).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="store">Consumes a write.</param>
    /// <returns>The attribute.</returns>
    public static MdevAttribute<TOwner> WriteOnly(string name, Action<TOwner, string> store) =>
        new(name, Sysfs.SysfsModes.WriteOnly, null, store);

    /// <summary>A read-write attribute, mode 0644 (<c>DEVICE_ATTR_RW</c>).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="show">Produces the text.</param>
    /// <param name="store">Consumes a write.</param>
    /// <returns>The attribute.</returns>
    public static MdevAttribute<TOwner> ReadWrite(string name, Func<TOwner, string> show, Action<TOwner, string> store) =>
        new(name, Sysfs.SysfsModes.ReadWrite, show, store);
}
