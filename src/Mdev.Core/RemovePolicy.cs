namespace Mdev.Core;

/// <summary>How removing a device treats a vendor and users that still hold it.</summary>
public enum RemovePolicy
{
    /// <summary>
    /// The modern kernel (v5.2+): removal cannot be refused; it waits until every user has released the device,
    /// calling the vendor's <see cref="ParentOps.Request"/> at once and then periodically. The typed API can cancel the
    /// wait, leaving the device active.
    /// </summary>
    Modern,

    /// <summary>
    /// The 2016 seed (v4.10): the vendor's <see cref="ParentOps.Remove"/> is asked first and may refuse; the remove then
    /// fails with <c>EBUSY</c> and the device and its <c>remove</c> file stay. Once the vendor agreed, the wait for
    /// users is not cancellable.
    /// </summary>
    Legacy2016,
}
