using System.Reflection;
using Mdev.Samples.Mtty;
using Mdev.Testing;
using Mdev.Testing.Tests;

namespace Mdev.Testing.Adapters.Tests;

/// <summary>The adapter's contract, run by this project's xunit on a sample: mtty passes every check.</summary>
public sealed class MttyContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => Mtty.Register(core, vfio));
}

/// <summary>What the adapter promises: one [Fact] per check of the runner, failing on a broken vendor.</summary>
public sealed class AdapterTests
{
    [Fact]
    public void EveryCheckOfTheRunner_IsOneFactOfTheAdapter()
    {
        var runner = new VendorDriverContractRunner(() => throw new InvalidOperationException("no check runs here"));
        var facts = typeof(VendorDriverContract).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .Select(m => m.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(runner.Checks.Select(c => c.Name).Order(StringComparer.Ordinal), facts);
        Assert.Equal(13, runner.Checks.Count);
    }

    [Fact]
    public void TheAdapter_IsBuiltOnThisProjectsXunit()
    {
        Assert.Equal(ExpectedXunit.CoreAssembly, typeof(FactAttribute).Assembly.GetName().Name);
        Assert.Contains(
            typeof(VendorDriverContract).Assembly.GetReferencedAssemblies(),
            a => a.Name == ExpectedXunit.CoreAssembly);
    }

    [Fact]
    public async Task AFact_OnABrokenVendor_FailsWithTheViolation()
    {
        var broken = new BrokenContract(new OverlappingRegionsVendor());
        var failure = await Assert.ThrowsAsync<ContractViolationException>(broken.RegionInfo_IsSane);
        Assert.Contains("matches", failure.Message, StringComparison.Ordinal);

        // The same fact passes on the correct vendor the broken one derives from.
        await new BrokenContract(new GoodVendor()).RegionInfo_IsSane();
    }

    [Fact]
    public async Task TheOverrides_ReachTheRunner()
    {
        // A migration that loads nothing passes while the stream need not carry config space, and fails once the
        // contract class says it does.
        await new BrokenContract(new ForgetfulMigrationVendor()).Migration_AdvertisedArcs_RoundTripIntoAFreshDevice();
        await Assert.ThrowsAsync<ContractViolationException>(
            new BrokenContract(new ForgetfulMigrationVendor(), migrationCarriesConfigSpace: true).Migration_AdvertisedArcs_RoundTripIntoAFreshDevice);
    }

    /// <summary>Private, so the runner does not discover it: its facts are called by hand.</summary>
    private sealed class BrokenContract(Mdev.Vfio.VfioParentOps ops, bool migrationCarriesConfigSpace = false) : VendorDriverContract
    {
        protected override bool MigrationCarriesConfigSpace => migrationCarriesConfigSpace;

        protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, ops));
    }
}
