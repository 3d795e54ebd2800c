using Mdev.Core;
using Mdev.Vfio;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Vfio.Tests.Support;

/// <summary>A core with the VFIO stack, the vendor's mdev driver <see cref="MdevDriver"/>, one PCI-style parent and one device created.</summary>
internal sealed class VfioHost
{
    public const string Uuid = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

    /// <summary>The test vendor's own mdev driver (modern kernels have no vfio_mdev; parents naming none take the first registered).</summary>
    public const string MdevDriver = "testpci_mdev";

    public VfioHost(VfioParentOps? vendor = null)
    {
        Time = new FakeTimeProvider();
        Core = new MdevCore(new MdevCoreOptions { TimeProvider = Time });
        Vfio = new VfioModule(Core);
        Vfio.RegisterVendorDriver(MdevDriver);
        Vendor = vendor ?? new TestPciVendor();
        Parent = Core.RegisterParent(Core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci"), Vendor);
        Device = Core.CreateMdevDevice(Parent.Types[0], Guid.Parse(Uuid));
    }

    public FakeTimeProvider Time { get; }

    public MdevCore Core { get; }

    public VfioModule Vfio { get; }

    public VfioParentOps Vendor { get; }

    public TestPciVendor Pci => (TestPciVendor)Vendor;

    public MdevParent Parent { get; }

    public MdevDevice Device { get; }

    public int GroupId => int.Parse(Path.GetFileName(Core.Sysfs.ReadLink(Device.SysfsPath + "/iommu_group")), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Container with TYPE1v2, group attached, device file open (typed).</summary>
    public (VfioContainer Container, VfioGroup Group, VfioDevice Device) OpenTyped()
    {
        var container = Vfio.OpenContainer();
        var group = Vfio.OpenGroup(GroupId);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        return (container, group, group.GetDeviceFile(Uuid));
    }
}
