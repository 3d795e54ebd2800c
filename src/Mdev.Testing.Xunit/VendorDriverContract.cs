using Xunit;

namespace Mdev.Testing;

/// <summary>
/// The vendor-driver contract as an abstract xunit test class: derive a test class, supply <see cref="CreateHost"/>,
/// and every check of <see cref="VendorDriverContractRunner"/> runs against your driver as its own <c>[Fact]</c>
/// (the way <c>ChannelTestBase</c> runs against every channel). A broken check fails with
/// <see cref="ContractViolationException"/> saying what was expected and what came. The same source builds the xunit v2
/// adapter (Mdev.Testing.Xunit) and the xunit.v3 one (Mdev.Testing.XunitV3), so a test class moves between them by
/// changing only the package it references.
/// </summary>
public abstract class VendorDriverContract
{
    /// <summary>The largest pool the contract exhausts; larger ones are left to the driver's own tests.</summary>
    public const int MaxExhaustedPool = VendorDriverContractRunner.MaxExhaustedPool;

    private VendorDriverContractRunner? runner;

    /// <summary>
    /// Gets whether a reset restores the config space the guest wrote (see
    /// <see cref="VendorDriverContractOptions.ResetRestoresConfigSpace"/>); override with false for a driver whose reset
    /// keeps it, as the kernel's mtty.
    /// </summary>
    protected virtual bool ResetRestoresConfigSpace => true;

    /// <summary>
    /// Gets whether the device's migration stream carries its config space (see
    /// <see cref="VendorDriverContractOptions.MigrationCarriesConfigSpace"/>); override with true for a driver built on
    /// <c>PciDevice</c>.
    /// </summary>
    protected virtual bool MigrationCarriesConfigSpace => false;

    /// <summary>Gets the framework-neutral runner these tests call (made on first use; xunit makes one instance per test).</summary>
    protected VendorDriverContractRunner Runner => runner ??= new VendorDriverContractRunner(
        CreateHost,
        new VendorDriverContractOptions { ResetRestoresConfigSpace = ResetRestoresConfigSpace, MigrationCarriesConfigSpace = MigrationCarriesConfigSpace });

    /// <summary>See <see cref="VendorDriverContractRunner.Types_AreVisibleAndConsistent"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Types_AreVisibleAndConsistent() => Runner.Types_AreVisibleAndConsistent();

    /// <summary>See <see cref="VendorDriverContractRunner.CreateAndRemove_MoveAvailableInstancesAndRestoreThem"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task CreateAndRemove_MoveAvailableInstancesAndRestoreThem() => Runner.CreateAndRemove_MoveAvailableInstancesAndRestoreThem();

    /// <summary>See <see cref="VendorDriverContractRunner.CreatingBeyondAvailability_FailsAndLeavesNoTrace"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task CreatingBeyondAvailability_FailsAndLeavesNoTrace() => Runner.CreatingBeyondAvailability_FailsAndLeavesNoTrace();

    /// <summary>See <see cref="VendorDriverContractRunner.OpenAndClose_WorkRepeatedly"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task OpenAndClose_WorkRepeatedly() => Runner.OpenAndClose_WorkRepeatedly();

    /// <summary>See <see cref="VendorDriverContractRunner.RegionInfo_IsSane"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task RegionInfo_IsSane() => Runner.RegionInfo_IsSane();

    /// <summary>See <see cref="VendorDriverContractRunner.IrqInfo_IsSane"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task IrqInfo_IsSane() => Runner.IrqInfo_IsSane();

    /// <summary>See <see cref="VendorDriverContractRunner.Reset_WorksWhenAdvertised"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Reset_WorksWhenAdvertised() => Runner.Reset_WorksWhenAdvertised();

    /// <summary>See <see cref="VendorDriverContractRunner.PciConfig_IsSaneAndItsBarsMatchTheRegions"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task PciConfig_IsSaneAndItsBarsMatchTheRegions() => Runner.PciConfig_IsSaneAndItsBarsMatchTheRegions();

    /// <summary>See <see cref="VendorDriverContractRunner.Regions_AreReadableAndWritableAsTheirFlagsSay"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Regions_AreReadableAndWritableAsTheirFlagsSay() => Runner.Regions_AreReadableAndWritableAsTheirFlagsSay();

    /// <summary>See <see cref="VendorDriverContractRunner.Irqs_EventFdIndexes_EnableTriggerAndDisable"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Irqs_EventFdIndexes_EnableTriggerAndDisable() => Runner.Irqs_EventFdIndexes_EnableTriggerAndDisable();

    /// <summary>See <see cref="VendorDriverContractRunner.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Migration_AdvertisedArcs_RoundTripIntoAFreshDevice() => Runner.Migration_AdvertisedArcs_RoundTripIntoAFreshDevice();

    /// <summary>See <see cref="VendorDriverContractRunner.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice() => Runner.Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice();

    /// <summary>See <see cref="VendorDriverContractRunner.Migration_PreCopy_AnswersPrecopyInfo"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public Task Migration_PreCopy_AnswersPrecopyInfo() => Runner.Migration_PreCopy_AnswersPrecopyInfo();

    /// <summary>Creates a fresh host with the driver under test registered (called once per test).</summary>
    /// <returns>The host.</returns>
    protected abstract MdevTestHost CreateHost();

    /// <summary>A type with an instance to create, the smallest pool first; fails with what to set when there is none.</summary>
    /// <param name="host">The host.</param>
    /// <returns>The type.</returns>
    protected static Mdev.Core.MdevType CreatableType(MdevTestHost host) => VendorDriverContractRunner.CreatableType(host);
}
