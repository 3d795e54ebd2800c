using Mdev.Testing;

namespace Mdev.Readme.Tests;

/// <summary>The README's minimal driver (docs/snippets/MyDriver.cs) passes the contract every vendor driver runs.</summary>
public sealed class MyDriverContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => MyDriver.Register(core, vfio));
}
