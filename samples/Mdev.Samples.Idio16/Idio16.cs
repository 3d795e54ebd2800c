using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.Idio16;

/// <summary>The vendor driver: one parent <c>idio16</c> with one type <c>idio16-1</c>, up to four cards.</summary>
public sealed class Idio16 : PciParentOps
{
    /// <summary>How many cards the parent holds.</summary>
    public const int Cards = 4;

    /// <inheritdoc />
    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci", "ACCES PCI-IDIO-16")];

    /// <inheritdoc />
    public override int MaxInstances => Cards;

    /// <summary>The driver that binds the cards, <c>/sys/bus/mdev/drivers/idio16</c>.</summary>
    public override string? DriverName => "idio16";

    /// <summary>
    /// Registers the mdev driver <c>idio16</c> (the VFIO layer's, so every card becomes a VFIO device), adds the parent
    /// device <c>/sys/devices/virtual/idio16/idio16</c> and registers it.
    /// </summary>
    /// <param name="core">The mdev core.</param>
    /// <param name="vfio">The VFIO stack on that core.</param>
    /// <returns>The parent.</returns>
    public static MdevParent Register(MdevCore core, VfioModule vfio)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        var driver = vfio.RegisterVendorDriver("idio16");
        try
        {
            return core.RegisterParent(core.AddDevice("/sys/devices/virtual/idio16/idio16", deviceClass: "idio16"), new Idio16());
        }
        catch
        {
            core.UnregisterDriver(driver);
            throw;
        }
    }

    /// <inheritdoc />
    protected override PciDevice CreateDevice(MdevDevice mdev) => new Idio16Device();
}
