using Mdev.Core;

namespace Mdev.Core.Tests.Support;

/// <summary>An mdev bus driver in the shape of a vendor's VFIO mdev driver (or 2016's vfio_mdev) whose probe can be made to fail.</summary>
internal sealed class TestDriver(string name = "mtty") : MdevDriver
{
    public override string Name { get; } = name;

    public Errno? FailProbeWith { get; set; }

    public List<string> Calls { get; } = [];

    public override void Probe(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("probe " + mdev.Name);
        }

        if (FailProbeWith is { } errno)
        {
            throw new MdevException(errno, $"test driver: probe of {mdev.Name} refused");
        }
    }

    public override void Remove(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("remove " + mdev.Name);
        }
    }
}
