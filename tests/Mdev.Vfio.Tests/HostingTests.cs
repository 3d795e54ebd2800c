using Mdev.Core;
using Mdev.Vfio.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Mdev.Vfio.Tests;

/// <summary><c>services.AddVfio()</c> beside <c>AddMdevCore()</c>.</summary>
public sealed class HostingTests
{
    [Fact]
    public void AddVfio_NullServices_Throws()
    {
        var add = () => ((IServiceCollection)null!).AddVfio();

        add.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task AddVfio_CoreResolvedFirst_DevicesBindToTheVendorDriver_OneModuleEvenWhenAddedTwice()
    {
        var services = new ServiceCollection();
        services.AddVfio().AddVfioVendorDriver("testpci_mdev").AddParent("/sys/devices/pci0000:00/0000:00:04.0", _ => new TestPciVendor(), bus: "pci", driver: "testpci");
        services.AddVfio();
        await using var provider = services.BuildServiceProvider();

        var core = provider.GetRequiredService<MdevCore>();
        var mdev = core.CreateMdevDevice(core.Parents[0].Types[0], Guid.NewGuid());
        var vfio = provider.GetRequiredService<VfioModule>();

        services.Count(s => s.ServiceType == typeof(VfioModule)).Should().Be(1);
        vfio.Core.Should().BeSameAs(core);
        vfio.FindGroup(mdev).Should().NotBeNull("the vendor's VFIO driver was registered with the core, before the device was created");
        core.Sysfs.ReadLink($"/sys/bus/mdev/devices/{mdev.Name}/driver").Should().EndWith("/drivers/testpci_mdev");
        core.Sysfs.Read($"/sys/bus/mdev/devices/{mdev.Name}/iommu_group/name").Should().Be("vfio-noiommu\n");
        provider.GetRequiredService<VfioModule>().Should().BeSameAs(vfio);
    }

    [Fact]
    public async Task AddKeyedVfio_TwoHosts_EachHasItsOwnModuleAndVendorDriver()
    {
        var services = new ServiceCollection();
        services.AddKeyedVfio("a").AddVfioVendorDriver("testpci_mdev").AddParent("/sys/devices/pci0000:00/0000:00:04.0", _ => new TestPciVendor(), bus: "pci", driver: "testpci");
        services.AddKeyedVfio("b");
        services.AddKeyedVfio("a");
        await using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<VfioModule>("a");
        var b = provider.GetRequiredKeyedService<VfioModule>("b");
        var coreA = provider.GetRequiredKeyedService<MdevCore>("a");
        var mdev = coreA.CreateMdevDevice(coreA.Parents[0].Types[0], Guid.NewGuid());

        services.Count(s => s.ServiceType == typeof(VfioModule)).Should().Be(2);
        a.Core.Should().BeSameAs(coreA);
        b.Core.Should().BeSameAs(provider.GetRequiredKeyedService<MdevCore>("b"));
        a.FindGroup(mdev).Should().NotBeNull();
        coreA.Sysfs.ReadLink($"/sys/bus/mdev/devices/{mdev.Name}/driver").Should().EndWith("/drivers/testpci_mdev");
        b.Core.Sysfs.Exists("/sys/bus/mdev/drivers/testpci_mdev").Should().BeFalse();
        provider.GetService<VfioModule>().Should().BeNull("only keyed modules were added");
    }
}
