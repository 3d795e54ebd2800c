using Mdev.Core;
using Mdev.Vfio;
using Xunit.Sdk;

namespace Mdev.Testing.Tests;

/// <summary>The contract suite, run against a correct vendor.</summary>
public sealed class GoodVendorContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new GoodVendor()));

    protected override bool MigrationCarriesConfigSpace => true;
}

/// <summary>The contract suite must fail on broken vendors: each case runs one contract test against one and expects an assertion to fail.</summary>
public sealed class ContractCatchesBrokenVendorsTests
{
    public static TheoryData<string, string> Broken => new()
    {
        { nameof(OverlappingRegionsVendor), nameof(VendorDriverContract.RegionInfo_IsSane) },
        { nameof(WrongIndexVendor), nameof(VendorDriverContract.RegionInfo_IsSane) },
        { nameof(UnreadableVendor), nameof(VendorDriverContract.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(UnreadableVendor), nameof(VendorDriverContract.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(IrqEnottyVendor), nameof(VendorDriverContract.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(FakePreCopyVendor), nameof(VendorDriverContract.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice) },
        { nameof(FakePreCopyVendor), nameof(VendorDriverContract.Migration_PreCopy_AnswersPrecopyInfo) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContract.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContract.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContract.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContract.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice) },
        { nameof(NothingAvailableVendor), nameof(VendorDriverContract.CreatingBeyondAvailability_FailsAndLeavesNoTrace) },
        { nameof(ResetKeepsConfigVendor), nameof(VendorDriverContract.Reset_WorksWhenAdvertised) },
        { nameof(BarMismatchVendor), nameof(VendorDriverContract.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(UnwritableVendor), nameof(VendorDriverContract.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(NeverDisablesVendor), nameof(VendorDriverContract.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(ForgetfulMigrationVendor), nameof(VendorDriverContract.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice) },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task ContractTest_OnABrokenVendor_FailsWithAnAssertion(string vendor, string test)
    {
        var contract = new Runner(Vendor(vendor));
        await Assert.ThrowsAnyAsync<XunitException>(() => Run(contract, test));
    }

    [Fact]
    public async Task ForgottenMaxInstances_IsRefusedAtRegistration_SayingWhatToSet()
    {
        var ex = Assert.Throws<MdevException>(() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new NoInstancesVendor())));
        ex.Errno.Should().Be(Errno.EINVAL);
        ex.Message.Should().Contain("MaxInstances").And.Contain("GetAvailable");

        var contract = new Runner(new NothingAvailableVendor());
        var failure = await Assert.ThrowsAnyAsync<XunitException>(contract.CreatingBeyondAvailability_FailsAndLeavesNoTrace);
        failure.Message.Should().Contain("MaxInstances").And.Contain("GetAvailable");
    }

    [Fact]
    public async Task TheSuitePassesOnTheGoodVendor_WhenRunDirectly()
    {
        var contract = new Runner(new GoodVendor());
        foreach (var test in Broken.Select(row => (string)row[1]).Distinct())
        {
            await Run(contract, test);
        }
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
        session.ReadConfig32(0).Should().Be(((uint)GoodDevice.DeviceId << 16) | GoodDevice.VendorId);
        session.GuestMemory.Length.Should().Be(0x10000);
        mdev.Vfio().DmaWrite(0x100, "ok"u8);
        session.GuestMemory.Span[0x100].Should().Be((byte)'o');
        Assert.Throws<MdevException>(() => session.ReadRegion(20, 0, 4)).Errno.Should().Be(Errno.EINVAL);
        await Assert.ThrowsAsync<TimeoutException>(() => VmmSession.WaitForIrqAsync(session.EnableIrq(0), TimeSpan.FromMilliseconds(20)));
    }

    private static VfioParentOps Vendor(string name) => name switch
    {
        nameof(OverlappingRegionsVendor) => new OverlappingRegionsVendor(),
        nameof(WrongIndexVendor) => new WrongIndexVendor(),
        nameof(UnreadableVendor) => new UnreadableVendor(),
        nameof(IrqEnottyVendor) => new IrqEnottyVendor(),
        nameof(FakePreCopyVendor) => new FakePreCopyVendor(),
        nameof(IssueSixteenVendor) => new IssueSixteenVendor(),
        nameof(NothingAvailableVendor) => new NothingAvailableVendor(),
        nameof(ResetKeepsConfigVendor) => new ResetKeepsConfigVendor(),
        nameof(BarMismatchVendor) => new BarMismatchVendor(),
        nameof(UnwritableVendor) => new UnwritableVendor(),
        nameof(NeverDisablesVendor) => new NeverDisablesVendor(),
        nameof(ForgetfulMigrationVendor) => new ForgetfulMigrationVendor(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such broken vendor"),
    };

    private static Task Run(VendorDriverContract contract, string test) => test switch
    {
        nameof(VendorDriverContract.RegionInfo_IsSane) => contract.RegionInfo_IsSane(),
        nameof(VendorDriverContract.PciConfig_IsSaneAndItsBarsMatchTheRegions) => contract.PciConfig_IsSaneAndItsBarsMatchTheRegions(),
        nameof(VendorDriverContract.Regions_AreReadableAndWritableAsTheirFlagsSay) => contract.Regions_AreReadableAndWritableAsTheirFlagsSay(),
        nameof(VendorDriverContract.Irqs_EventFdIndexes_EnableTriggerAndDisable) => contract.Irqs_EventFdIndexes_EnableTriggerAndDisable(),
        nameof(VendorDriverContract.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice) => contract.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice(),
        nameof(VendorDriverContract.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice) => contract.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice(),
        nameof(VendorDriverContract.Migration_PreCopy_AnswersPrecopyInfo) => contract.Migration_PreCopy_AnswersPrecopyInfo(),
        nameof(VendorDriverContract.CreatingBeyondAvailability_FailsAndLeavesNoTrace) => contract.CreatingBeyondAvailability_FailsAndLeavesNoTrace(),
        nameof(VendorDriverContract.Reset_WorksWhenAdvertised) => contract.Reset_WorksWhenAdvertised(),
        _ => throw new ArgumentOutOfRangeException(nameof(test), test, "no such contract test"),
    };

    private sealed class Runner(VfioParentOps ops) : VendorDriverContract
    {
        protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, ops));

        protected override bool MigrationCarriesConfigSpace => true;
    }
}
