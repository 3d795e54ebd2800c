using Mdev.Core;

namespace Mdev.Core.Tests.Support;

/// <summary>
/// Wraps a vendor and makes its <see cref="FailAt"/>-th callback since <see cref="Arm"/> throw: an
/// <see cref="MdevException"/> with <see cref="Errno.EIO"/>, or a plain exception when <see cref="Foreign"/> is set.
/// </summary>
internal sealed class FaultInjectingOps(ParentOps inner) : ParentOps
{
    private int _calls;

    public int FailAt { get; private set; }

    /// <summary>Counts callbacks from 1 again and makes the <paramref name="failAt"/>-th throw (0: none).</summary>
    public void Arm(int failAt)
    {
        Volatile.Write(ref _calls, 0);
        FailAt = failAt;
    }

    public bool Foreign { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The callback that threw, or null.</summary>
    public string? Failed { get; private set; }

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups => inner.SupportedTypeGroups;

    public override IReadOnlyList<AttributeGroup<Device>> DevAttrGroups => inner.DevAttrGroups;

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups => inner.MdevAttrGroups;

    public override int MaxInstances => inner.MaxInstances;

    public override string? DriverName => inner.DriverName;

    public override int? GetAvailable(MdevType type)
    {
        Tick(nameof(GetAvailable));
        return inner.GetAvailable(type);
    }

    public override string? ShowDescription(MdevType type)
    {
        Tick(nameof(ShowDescription));
        return inner.ShowDescription(type);
    }

    public override void Create(MdevDevice mdev)
    {
        Tick(nameof(Create));
        inner.Create(mdev);
    }

    public override void Remove(MdevDevice mdev)
    {
        Tick(nameof(Remove));
        inner.Remove(mdev);
    }

    public override void Open(MdevDevice mdev)
    {
        Tick(nameof(Open));
        inner.Open(mdev);
    }

    public override void Release(MdevDevice mdev)
    {
        Tick(nameof(Release));
        inner.Release(mdev);
    }

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        Tick(nameof(Read));
        return inner.Read(mdev, buffer, offset);
    }

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset)
    {
        Tick(nameof(Write));
        return inner.Write(mdev, buffer, offset);
    }

    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument)
    {
        Tick(nameof(Ioctl));
        return inner.Ioctl(mdev, command, argument);
    }

    public override void Request(MdevDevice mdev, uint count)
    {
        Tick(nameof(Request));
        inner.Request(mdev, count);
    }

    private void Tick(string callback)
    {
        if (Interlocked.Increment(ref _calls) == FailAt)
        {
            Failed = callback;
            throw Foreign
                ? new InvalidOperationException($"injected fault in {callback}")
                : new MdevException(Errno.EIO, $"injected fault in {callback}");
        }
    }
}
