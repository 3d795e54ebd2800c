using Mdev.Core;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// The driver's global state (<c>struct ap_matrix_dev</c>): the AP configuration, the queues bound to vfio_ap, and the
/// list of matrix mdevs. <see cref="Lock"/> is <c>matrix_dev-&gt;lock</c>; every attribute and ioctl takes it.
/// </summary>
internal sealed class ApMatrixDevice(ApMatrixOptions options, IReadOnlySet<ApQueueId> boundQueues)
{
    private readonly List<ApMatrixMdev> _mdevs = [];

    public Lock Lock { get; } = new();

    public ApMatrixOptions Options => options;

    public IReadOnlySet<ApQueueId> BoundQueues => boundQueues;

    /// <summary>The mdevs other than <paramref name="self"/>; call with <see cref="Lock"/> held.</summary>
    public IEnumerable<ApMatrixMdev> Others(ApMatrixMdev self) => _mdevs.Where(m => m != self);

    /// <summary><c>vfio_ap_mdev_probe</c>: a new mdev with an empty matrix sized from the AP configuration.</summary>
    public ApMatrixMdev Add(MdevDevice mdev)
    {
        var matrix = new ApMatrixMdev(mdev, ApMatrix.Create(options));
        lock (Lock)
        {
            _mdevs.Add(matrix);
        }

        return matrix;
    }

    /// <summary><c>vfio_ap_mdev_remove</c>: the mdev leaves the list (its queues are reset).</summary>
    public void Remove(ApMatrixMdev matrix)
    {
        lock (Lock)
        {
            _mdevs.Remove(matrix);
        }
    }

    /// <summary>
    /// <c>vfio_ap_verify_queue_reserved</c>: some queue bound to vfio_ap matches the APQN, or the adapter alone, or the
    /// domain alone (whichever is given), else <c>EADDRNOTAVAIL</c>.
    /// </summary>
    public void VerifyQueueReserved(ApMatrixMdev m, int? apid, int? apqi)
    {
        if (!boundQueues.Any(q => (apid is null || q.Apid == apid) && (apqi is null || q.Apqi == apqi)))
        {
            var what = (apid, apqi) switch
            {
                ({ } a, { } d) => $"queue {new ApQueueId(a, d)} is",
                ({ } a, null) => $"no queue of adapter {a:x2} is",
                _ => $"no queue of domain {apqi:x4} is",
            };
            throw new MdevException(Errno.EADDRNOTAVAIL, $"{m.Device.Name}: {what} bound to the vfio_ap driver");
        }
    }

    /// <summary><c>vfio_ap_mdev_verify_no_sharing</c>: no other mdev may hold an APQN of this matrix, else <c>EADDRINUSE</c>.</summary>
    public void VerifyNoSharing(ApMatrixMdev m)
    {
        if (Others(m).FirstOrDefault(o => m.Matrix.Apm.Intersects(o.Matrix.Apm) && m.Matrix.Aqm.Intersects(o.Matrix.Aqm)) is { } other)
        {
            throw new MdevException(Errno.EADDRINUSE, $"{m.Device.Name}: an APQN of its matrix is already assigned to {other.Device.Name}");
        }
    }
}
