namespace Mdev.Core;

/// <summary>
/// A driver on the mdev bus (<c>struct mdev_driver</c>): 2016's generic <c>vfio_mdev</c>, or a vendor's own in the
/// modern kernel (since 5.16 every vendor registers one: mtty's <c>mtty</c>, vfio-ccw's <c>vfio_ccw_mdev</c>). Registered with <see cref="MdevCore.RegisterDriver"/>; every new device is probed by it.
/// </summary>
public abstract class MdevDriver
{
    /// <summary>The driver name, the directory <c>/sys/bus/mdev/drivers/&lt;Name&gt;</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// <c>/sys/bus/mdev/drivers/&lt;Name&gt;</c> once built: one shared string for every bound device's <c>driver</c>
    /// link. Racing first builds may each set an equal string; either is right.
    /// </summary>
    internal string? BusDirectory { get; set; }

    /// <summary>
    /// The module that owns the driver (<c>KBUILD_MODNAME</c>, the driver's <c>mod_name</c>): <c>module_add_driver</c>
    /// links <c>/sys/bus/mdev/drivers/&lt;Name&gt;/module</c> to <c>/sys/module/&lt;ModuleName&gt;</c> and back from
    /// <c>/sys/module/&lt;ModuleName&gt;/drivers/mdev:&lt;Name&gt;</c>. The default is <see cref="Name"/> with '-' as '_'
    /// (kbuild's rule for module names); vfio-ccw's <c>vfio_ccw_mdev</c> lives in <c>vfio_ccw</c>, for example.
    /// </summary>
    public virtual string ModuleName => Name.Replace('-', '_');

    /// <summary>Binds a device. Throw to fail it: during a create the create fails and is rolled back.</summary>
    /// <param name="mdev">The device.</param>
    public abstract void Probe(MdevDevice mdev);

    /// <summary>Unbinds a device; cannot fail (an exception is logged).</summary>
    /// <param name="mdev">The device.</param>
    public abstract void Remove(MdevDevice mdev);

    /// <summary>
    /// A removal of a bound device has begun and is about to wait for its users: the start of the kernel's
    /// <c>drv-&gt;remove</c>, where <c>vfio_unregister_group_dev</c> deletes the <c>vfio-dev</c> class device before it
    /// waits. Take down what the driver's remove takes down before that wait. The default does nothing.
    /// </summary>
    /// <param name="mdev">The device.</param>
    public virtual void RemoveStarting(MdevDevice mdev)
    {
    }

    /// <summary>The typed caller cancelled that wait (the kernel's never ends early): put back what <see cref="RemoveStarting"/> took. The default does nothing.</summary>
    /// <param name="mdev">The device, active again.</param>
    public virtual void RemoveCancelled(MdevDevice mdev)
    {
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
