namespace Mdev.Core;

/// <summary>
/// Vendor quirks a parent shows to tooling, for tests of that tooling (issue 12, point 4): files a real driver leaves
/// out, attributes a real driver reads in its own way. Set with <see cref="MdevCore.SetParentQuirks"/> before the
/// parent registers; they hold from its next registration (a driver <c>bind</c> included) until it unregisters.
/// </summary>
public sealed record ParentQuirks
{
    /// <summary>No quirks: the modern kernel's files.</summary>
    public static ParentQuirks None { get; } = new();

    /// <summary>
    /// Type directories without a <c>name</c> file, as GVT-g's (kvmgt's type attributes were
    /// <c>available_instances</c>, <c>device_api</c> and <c>description</c> until "drm/i915/gvt: add the missing mdev
    /// attribute name", Linux 5.18; kubevirt#5211). From Linux 6.1 the core always shows <c>name</c>.
    /// </summary>
    public bool TypesWithoutName { get; init; }

    /// <summary>Type directories without a <c>description</c> file even where the vendor has one (a driver without <c>show_description</c>).</summary>
    public bool TypesWithoutDescription { get; init; }

    /// <summary>
    /// Device attributes, by file name (e.g. NVIDIA's <c>vgpu_params</c>), whose write acts only when the written text
    /// ends with a newline: NVIDIA's driver consumes the last character written (oVirt vdsm PR 92), so a value written
    /// without one (<c>printf</c>, or a program's single <c>write</c>) is not what is stored. The model makes that
    /// visible the way tooling meets it: such a write succeeds (returns its length) and changes nothing.
    /// </summary>
    public IReadOnlyList<string> NewlineOnlyAttributes { get; init; } = [];
}
