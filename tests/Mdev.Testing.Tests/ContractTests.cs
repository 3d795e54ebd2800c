using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing.Tests;

/// <summary>The contract suite, run against a correct vendor.</summary>
public sealed class GoodVendorContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new GoodVendor()));
}

/// <summary>The contract suite must fail on broken vendors: each case runs one contract test against one and expects it to fail.</summary>
public sealed class ContractCatchesBrokenVendorsTests
{
    [Fact]
    public async Task RegionInfo_IsSane_FailsOnOverlappingRegions()
    {
        var contract = new Runner(new OverlappingRegionsVendor());
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(contract.RegionInfo_IsSane);
    }

    [Fact]
    public async Task RegionInfo_IsSane_FailsOnAWrongIndex()
    {
        var contract = new Runner(new WrongIndexVendor());
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(contract.RegionInfo_IsSane);
    }

    [Fact]
    public async Task TheSuitePassesOnTheGoodVendor_WhenRunDirectly()
    {
        var contract = new Runner(new GoodVendor());
        await contract.RegionInfo_IsSane();
        await contract.CreatingBeyondAvailability_FailsAndLeavesNoTrace();
    }

    [Fact]
    public async Task Harness_OpensLikeAVmm_AndGivesGuestHelpers()
    {
        await using var host = MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new GoodVendor()));
        var mdev = host.CreateDevice("good-b");
        mdev.Type.Name.Should().Be("good-b");
        using var session = host.Open(mdev, guestMemorySize: 0x10000);
        session.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 9, 5));
        session.Regions.Should().HaveCount(9);
        session.ReadConfig32(0).Should().Be(0);
        session.GuestMemory.Length.Should().Be(0x10000);
        mdev.Vfio().DmaWrite(0x100, "ok"u8);
        session.GuestMemory.Span[0x100].Should().Be((byte)'o');
        Assert.Throws<MdevException>(() => session.ReadRegion(20, 0, 4)).Errno.Should().Be(Errno.EINVAL);
        await Assert.ThrowsAsync<TimeoutException>(() => VmmSession.WaitForIrqAsync(session.EnableIrq(0), TimeSpan.FromMilliseconds(20)));
    }

    private sealed class Runner(VfioParentOps ops) : VendorDriverContract
    {
        protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, ops));
    }
}
