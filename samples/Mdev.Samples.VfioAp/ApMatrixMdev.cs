using Mdev.Core;

namespace Mdev.Samples.VfioAp;

/// <summary>One vfio-ap mdev's state (<c>struct ap_matrix_mdev</c>).</summary>
internal sealed class ApMatrixMdev(MdevDevice device, ApMatrix matrix)
{
    /// <summary>The mdev.</summary>
    public MdevDevice Device => device;

    /// <summary>Its matrix.</summary>
    public ApMatrix Matrix => matrix;

    /// <summary>
    /// A guest uses the matrix (the kernel's <c>matrix_mdev-&gt;kvm</c>): set while the device is open, since opening
    /// requires a KVM; assignments then fail with <c>EBUSY</c>.
    /// </summary>
    public bool InUse { get; set; }
}
