using Mdev.Samples.VfioAp.Tests.Support;
using Mdev.Testing;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>The vendor-driver contract, run against vfio-ap.</summary>
public sealed class VfioApContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => ApHost.Create();
}
