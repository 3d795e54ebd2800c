namespace Mdev.Core.Sysfs;

/// <summary>
/// An attribute file: a mode, its owner and the show/store callbacks of its kind. The callbacks are shared by every
/// attribute of a kind (one static delegate, called with the owner, as a kernel <c>struct device_attribute</c> is
/// shared by every device), so a live device does not hold a delegate and a closure per file.
/// </summary>
internal sealed class SysfsAttributeNode : SysfsNode
{
    private readonly object? _owner;
    private readonly Delegate? _show;
    private readonly Delegate? _store;
    private readonly SysfsAttributeCallbacks _callbacks;

    /// <summary>An attribute whose callbacks are already bound to their object (each a delegate of its own).</summary>
    public SysfsAttributeNode(string name, UnixFileMode mode, Func<string>? show, Action<string>? store)
        : this(name, mode, null, show, store, SysfsAttributeCallbacks.Unbound.Instance)
    {
    }

    private SysfsAttributeNode(string name, UnixFileMode mode, object? owner, Delegate? show, Delegate? store, SysfsAttributeCallbacks callbacks)
        : base(name)
    {
        Mode = mode;
        _owner = owner;
        _show = show;
        _store = store;
        _callbacks = callbacks;
    }

    public UnixFileMode Mode { get; }

    public override SysfsNodeKind Kind => SysfsNodeKind.File;

    /// <summary>kernfs open rule: readable needs an S_IRUGO bit and a show.</summary>
    public bool CanRead => (Mode & SysfsModes.ReadBits) != 0 && _show is not null;

    /// <summary>kernfs open rule: writable needs an S_IWUGO bit and a store.</summary>
    public bool CanWrite => (Mode & SysfsModes.WriteBits) != 0 && _store is not null;

    /// <summary>An attribute of <paramref name="owner"/> whose shared callbacks take the owner.</summary>
    public static SysfsAttributeNode Owned<TOwner>(string name, UnixFileMode mode, TOwner owner, Func<TOwner, string>? show, Action<TOwner, string>? store, int? binarySize = null)
        where TOwner : class =>
        new(name, mode, owner, show, store, SysfsAttributeCallbacks.Owned<TOwner>.Instance) { BinarySize = binarySize };

    /// <summary>A binary attribute's size (<c>bin_attribute.size</c>): its stat size, and reads are not cut to a page; null for a text attribute.</summary>
    public int? BinarySize { get; private init; }

    /// <summary>Runs the show (the caller checked <see cref="CanRead"/>).</summary>
    public string InvokeShow() => _callbacks.Show(_show!, _owner);

    /// <summary>Runs the store with one write's text (the caller checked <see cref="CanWrite"/>).</summary>
    public void InvokeStore(string text) => _callbacks.Store(_store!, _owner, text);
}
