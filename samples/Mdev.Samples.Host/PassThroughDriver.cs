using Mdev.Core;

namespace Mdev.Samples.Host;

/// <summary>The mdev bus driver the sample's devices bind to (modern kernels: the vendor's own <c>mdev_driver</c>).</summary>
internal sealed class PassThroughDriver(string name) : MdevDriver
{
    public override string Name { get; } = name;

    public override void Probe(MdevDevice mdev)
    {
    }

    public override void Remove(MdevDevice mdev)
    {
    }
}
