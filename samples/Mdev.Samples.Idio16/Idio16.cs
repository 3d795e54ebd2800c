using Mdev.Core;
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

    /// <summary>Adds the parent device <c>/sys/devices/virtual/idio16/idio16</c> and registers it.</summary>
    /// <param name="core">The mdev core.</param>
    /// <returns>The parent.</returns>
    public static MdevParent Register(MdevCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return core.RegisterParent(core.AddDevice("/sys/devices/virtual/idio16/idio16", deviceClass: "idio16"), new Idio16());
    }

    /// <inheritdoc />
    protected override PciDevice CreateDevice(MdevDevice mdev) => new Idio16Device();
}
