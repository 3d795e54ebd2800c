using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>The I/O region (index 0, <c>struct ccw_io_region</c>): ORB and SCSW in, IRB and ret_code out (<c>vfio_ccw_ops.c</c>).</summary>
internal static class CcwIoRegion
{
    /// <summary>Reads at <paramref name="pos"/>: past the 124 bytes is <c>EINVAL</c>.</summary>
    public static int Read(CcwPrivate p, Span<byte> buffer, int pos)
    {
        CheckRange(p, pos, buffer.Length);
        lock (p.IoLock)
        {
            p.IoRegion.AsSpan(pos, buffer.Length).CopyTo(buffer);
        }

        return buffer.Length;
    }

    /// <summary>
    /// Writes at <paramref name="pos"/>: past the 124 bytes is <c>EINVAL</c>, a busy region <c>EAGAIN</c>; then the IO_REQ
    /// event runs and the write returns ret_code when it is not 0, else the byte count.
    /// </summary>
    public static int Write(CcwPrivate p, ReadOnlySpan<byte> buffer, int pos)
    {
        CheckRange(p, pos, buffer.Length);
        if (!p.IoLock.TryEnter())
        {
            throw new MdevException(Errno.EAGAIN, $"write of the I/O region of subchannel {p.Subchannel.Id}: a request is in progress");
        }

        int ret;
        try
        {
            buffer.CopyTo(p.IoRegion.AsSpan(pos));
            CcwFsm.Fire(p, CcwFsmEvent.IoRequest);
            ret = p.IoRetCode;
        }
        finally
        {
            p.IoLock.Exit();
        }

        p.Subchannel.ScheduleInterrupt();
        return CcwRegionResult.Of(ret, buffer.Length, $"I/O request on subchannel {p.Subchannel.Id} in state {p.State}");
    }

    private static void CheckRange(CcwPrivate p, int pos, int count)
    {
        if (pos + count > CcwLayout.IoRegionSize)
        {
            throw new MdevException(Errno.EINVAL, $"I/O region of subchannel {p.Subchannel.Id}: {count} bytes at {pos} pass its {CcwLayout.IoRegionSize}");
        }
    }
}
