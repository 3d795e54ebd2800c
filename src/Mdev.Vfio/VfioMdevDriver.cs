using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>The <c>vfio_mdev</c> bus driver: gives each bound device its IOMMU group and VFIO group.</summary>
internal sealed class VfioMdevDriver(VfioModule module) : MdevDriver
{
    public override string Name => VfioModule.DriverName;

    public override void Probe(MdevDevice mdev) => module.Attach(mdev);

    public override void Remove(MdevDevice mdev) => module.Detach(mdev);
}
