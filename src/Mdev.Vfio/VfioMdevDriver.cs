using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A VFIO mdev bus driver: 2016's generic <c>vfio_mdev</c>, or a modern vendor's own <c>mdev_driver</c> (mtty's "mtty",
/// vfio-ccw's "vfio_ccw_mdev") made by <see cref="VfioModule.CreateMdevDriver"/>. Probe gives the device
/// its IOMMU group and VFIO group.
/// </summary>
internal sealed class VfioMdevDriver(VfioModule module, string name, string moduleName) : MdevDriver
{
    public override string Name { get; } = name;

    public override string ModuleName { get; } = moduleName;

    public override void Probe(MdevDevice mdev) => module.Attach(mdev);

    public override void Remove(MdevDevice mdev) => module.Detach(mdev);

    /// <summary><c>vfio_unregister_group_dev</c> → <c>vfio_device_del</c>: vfio-dev/ goes before the wait for users.</summary>
    public override void RemoveStarting(MdevDevice mdev) => module.RemoveVfioDev(mdev);

    public override void RemoveCancelled(MdevDevice mdev) => module.AddVfioDev(mdev);
}
