namespace Mdev.Core.Sysfs;

/// <summary>
/// How an attribute node calls its show/store delegates: unbound (<see cref="Func{TResult}"/>, already closed over
/// their object) or owned (<see cref="Func{T, TResult}"/> shared by every attribute of a kind, given the owner). One
/// stateless instance per shape, so the node holds no wrapper of its own. AOT safe: no reflection, no dynamic invoke.
/// </summary>
internal abstract class SysfsAttributeCallbacks
{
    public abstract string Show(Delegate show, object? owner);

    public abstract void Store(Delegate store, object? owner, string text);

    /// <summary>Callbacks already bound to their object.</summary>
    public sealed class Unbound : SysfsAttributeCallbacks
    {
        public static readonly Unbound Instance = new();

        public override string Show(Delegate show, object? owner) => ((Func<string>)show)();

        public override void Store(Delegate store, object? owner, string text) => ((Action<string>)store)(text);
    }

    /// <summary>Callbacks shared by every attribute of a kind, called with the attribute's owner.</summary>
    public sealed class Owned<TOwner> : SysfsAttributeCallbacks
        where TOwner : class
    {
        public static readonly Owned<TOwner> Instance = new();

        public override string Show(Delegate show, object? owner) => ((Func<TOwner, string>)show)((TOwner)owner!);

        public override void Store(Delegate store, object? owner, string text) => ((Action<TOwner, string>)store)((TOwner)owner!, text);
    }
}
