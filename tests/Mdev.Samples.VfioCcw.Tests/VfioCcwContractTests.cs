using Mdev.Samples.VfioCcw.Tests.Support;
using Mdev.Testing;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>The vendor-driver contract, run against vfio-ccw.</summary>
public sealed class VfioCcwContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => CcwHost.Create();
}
