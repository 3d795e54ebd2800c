namespace Mdev.Core.Sysfs;

/// <summary>An attribute file: a mode and the owner's show/store callbacks (already bound to their object).</summary>
internal sealed class SysfsAttributeNode(string name, UnixFileMode mode, Func<string>? show, Action<string>? store)
    : SysfsNode(name)
{
    public UnixFileMode Mode { get; } = mode;

    public Func<string>? Show { get; } = show;

    public Action<string>? Store { get; } = store;

    public override SysfsNodeKind Kind => SysfsNodeKind.File;

    /// <summary>kernfs open rule: readable needs an S_IRUGO bit and a show.</summary>
    public bool CanRead => (Mode & SysfsModes.ReadBits) != 0 && Show is not null;

    /// <summary>kernfs open rule: writable needs an S_IWUGO bit and a store.</summary>
    public bool CanWrite => (Mode & SysfsModes.WriteBits) != 0 && Store is not null;
}
