using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.Idio16.Tests;

/// <summary>The contract every vendor driver runs, on the IDIO-16.</summary>
public sealed class Idio16ContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => MdevTestHost.Create((core, vfio) => Idio16.Register(core, vfio));

    protected override bool MigrationCarriesConfigSpace => true; // PciDevice saves the config space with the state
}

/// <summary>A first device test: what a guest driver sees.</summary>
public sealed class Idio16QuickStartTests
{
    [Fact]
    public async Task Bar2_CounterAdvancesEveryThirdRead_AndSurvivesMigration()
    {
        await using var host = MdevTestHost.Create((core, vfio) => Idio16.Register(core, vfio));
        using var vm = host.Open(host.CreateDevice("idio16-1"));
        var regs = new RegisterMap(vm, VfioPciRegion.Bar2).Add("INPUT", 0, 1);

        vm.ReadConfig32(0x00).Should().Be(0x0DC8_494Fu);
        vm.SizeBar(2).Should().Be((Mdev.Vfio.Pci.PciBarKind.Io, 0x100UL));
        Enumerable.Range(0, 4).Select(_ => regs.Read("INPUT")).Should().Equal(0u, 0u, 0u, 1u);

        using var moved = await host.MigrateToNewDeviceAsync(vm);
        new RegisterMap(moved, VfioPciRegion.Bar2).Add("INPUT", 0, 1).Read("INPUT").Should().Be(1u); // pin 4 / 3
    }
}
