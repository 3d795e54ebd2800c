using Mdev.Testing;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>The vendor-driver contract (Mdev.Testing) run against mtty.</summary>
public sealed class MttyContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => Mtty.Register(core, vfio));
}
