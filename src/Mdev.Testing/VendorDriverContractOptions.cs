namespace Mdev.Testing;

/// <summary>Where a vendor driver differs, as a real kernel driver does, from what the contract assumes by default.</summary>
public sealed class VendorDriverContractOptions
{
    /// <summary>
    /// Gets whether a reset restores the config space the guest wrote. True (the default) for function-level resets
    /// (vfio-pci, GVT-g); false for a driver whose reset keeps it (the kernel's mtty: <c>mtty_reset</c> resets migration
    /// only).
    /// </summary>
    public bool ResetRestoresConfigSpace { get; init; } = true;

    /// <summary>
    /// Gets whether the device's migration stream carries its config space. False by default: QEMU migrates a vfio-pci
    /// device's config space itself and kernel drivers (mtty, mlx5) send device state only.
    /// <see cref="Mdev.Vfio.Pci.PciDevice"/> carries it, so a driver built on it sets this to true.
    /// </summary>
    public bool MigrationCarriesConfigSpace { get; init; }
}
