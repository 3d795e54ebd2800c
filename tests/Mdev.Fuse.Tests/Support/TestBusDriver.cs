using Mdev.Core;

namespace Mdev.Fuse.Tests.Support;

/// <summary>An mdev bus driver that accepts every device.</summary>
internal sealed class TestBusDriver(string name) : MdevDriver
{
    public override string Name { get; } = name;

    public override void Probe(MdevDevice mdev)
    {
    }

    public override void Remove(MdevDevice mdev)
    {
    }
}
