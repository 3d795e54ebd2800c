using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>A fault armed at migration-state changes fails the SET before any arc: the device stays where it was.</summary>
public sealed class MigrationFaultTests : IDisposable
{
    private readonly MttyHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void SetMigrationState_Fault_LeavesTheStateAlone_ThenTheArcWorks()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        _host.Core.Faults.Arm(new FaultSpec(FaultPoint.MigrationState, Errno.EIO));
        var ex = Assert.Throws<MdevException>(() => device.SetMigrationState(VfioMigrationState.Stop));
        ex.Errno.Should().Be(Errno.EIO);
        device.GetMigrationState().Should().Be(VfioMigrationState.Running);

        device.SetMigrationState(VfioMigrationState.Stop).Should().BeNull();
        device.GetMigrationState().Should().Be(VfioMigrationState.Stop);
    }
}
