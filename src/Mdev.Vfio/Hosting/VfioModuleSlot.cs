namespace Mdev.Vfio;

/// <summary>Where <see cref="VfioServiceCollectionExtensions.AddVfio"/> keeps the module the core's set-up created (set once, while the container builds the core singleton).</summary>
internal sealed class VfioModuleSlot
{
    public VfioModule? Module { get; set; }
}
