using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing.Tests;

/// <summary>The contract suite, run against a correct vendor.</summary>
public sealed class GoodVendorContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new GoodVendor()));

    protected override bool MigrationCarriesConfigSpace => true;
}

/// <summary>The contract must fail on broken vendors: each case runs one framework-neutral check against one and expects a contract violation.</summary>
public sealed class ContractCatchesBrokenVendorsTests
{
    public static TheoryData<string, string> Broken => new()
    {
        { nameof(OverlappingRegionsVendor), nameof(VendorDriverContractRunner.RegionInfo_IsSane) },
        { nameof(WrongIndexVendor), nameof(VendorDriverContractRunner.RegionInfo_IsSane) },
        { nameof(UnreadableVendor), nameof(VendorDriverContractRunner.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(UnreadableVendor), nameof(VendorDriverContractRunner.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(IrqEnottyVendor), nameof(VendorDriverContractRunner.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(FakePreCopyVendor), nameof(VendorDriverContractRunner.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice) },
        { nameof(FakePreCopyVendor), nameof(VendorDriverContractRunner.Migration_PreCopy_AnswersPrecopyInfo) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContractRunner.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContractRunner.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContractRunner.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(IssueSixteenVendor), nameof(VendorDriverContractRunner.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice) },
        { nameof(NothingAvailableVendor), nameof(VendorDriverContractRunner.CreatingBeyondAvailability_FailsAndLeavesNoTrace) },
        { nameof(ResetKeepsConfigVendor), nameof(VendorDriverContractRunner.Reset_WorksWhenAdvertised) },
        { nameof(BarMismatchVendor), nameof(VendorDriverContractRunner.PciConfig_IsSaneAndItsBarsMatchTheRegions) },
        { nameof(UnwritableVendor), nameof(VendorDriverContractRunner.Regions_AreReadableAndWritableAsTheirFlagsSay) },
        { nameof(NeverDisablesVendor), nameof(VendorDriverContractRunner.Irqs_EventFdIndexes_EnableTriggerAndDisable) },
        { nameof(ForgetfulMigrationVendor), nameof(VendorDriverContractRunner.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice) },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task ContractTest_OnABrokenVendor_FailsWithAnAssertion(string vendor, string test)
    {
        var runner = Runner(Vendor(vendor));
        await Assert.ThrowsAsync<ContractViolationException>(runner[test].RunAsync);
    }

    [Fact]
    public async Task ForgottenMaxInstances_IsRefusedAtRegistration_SayingWhatToSet()
    {
        var ex = Assert.Throws<MdevException>(() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, new NoInstancesVendor())));
        ex.Errno.Should().Be(Errno.EINVAL);
        ex.Message.Should().Contain("MaxInstances").And.Contain("GetAvailable");

        var runner = Runner(new NothingAvailableVendor());
        var failure = await Assert.ThrowsAsync<ContractViolationException>(runner.CreatingBeyondAvailability_FailsAndLeavesNoTrace);
        failure.Message.Should().Contain("MaxInstances").And.Contain("GetAvailable");
    }

    [Fact]
    public async Task TheSuitePassesOnTheGoodVendor_WhenRunDirectly()
    {
        var runner = Runner(new GoodVendor());
        runner.Checks.Select(c => c.Name).Should().OnlyHaveUniqueItems().And.Contain(Broken.Select(row => (string)row[1]));
        await runner.RunAllAsync();
    }

    [Fact]
    public async Task RunAll_OnABrokenVendor_NamesEveryFailingCheck()
    {
        var failure = await Assert.ThrowsAsync<ContractViolationException>(Runner(new IssueSixteenVendor()).RunAllAsync);
        failure.Message.Should().Contain(nameof(VendorDriverContractRunner.PciConfig_IsSaneAndItsBarsMatchTheRegions))
            .And.Contain(nameof(VendorDriverContractRunner.Irqs_EventFdIndexes_EnableTriggerAndDisable))
            .And.Contain("of 13 contract checks failed")
            .And.Contain("this broken vendor reads nothing", "a device error a check did not expect is reported, not thrown past the others");
    }

    [Fact]
    public void Indexer_WithAnUnknownName_IsRefusedSayingWhich()
    {
        var runner = Runner(new GoodVendor());
        Assert.Throws<ArgumentException>(() => runner["NoSuchCheck"]).Message.Should().Contain("NoSuchCheck");
        runner[nameof(VendorDriverContractRunner.RegionInfo_IsSane)].Name.Should().Be(nameof(VendorDriverContractRunner.RegionInfo_IsSane));
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

    private static VendorDriverContractRunner Runner(VfioParentOps ops) =>
        new(() => MdevTestHost.Create((core, vfio) => GoodVendor.Register(core, vfio, ops)), new VendorDriverContractOptions { MigrationCarriesConfigSpace = true });
}
