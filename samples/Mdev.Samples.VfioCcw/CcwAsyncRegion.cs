using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>The async command region (index 1, <c>struct ccw_cmd_region</c>): HSCH and CSCH (<c>vfio_ccw_async.c</c>).</summary>
internal static class CcwAsyncRegion
{
    /// <summary>Reads the command and its ret_code.</summary>
    public static int Read(CcwPrivate p, Span<byte> buffer, int pos)
    {
        CheckRange(p, pos, buffer.Length);
        lock (p.IoLock)
        {
            p.CmdRegion.AsSpan(pos, buffer.Length).CopyTo(buffer);
        }

        return buffer.Length;
    }

    /// <summary>Writes the command: past 8 bytes <c>EINVAL</c>, busy <c>EAGAIN</c>; then ASYNC_REQ, and ret_code or the count.</summary>
    public static int Write(CcwPrivate p, ReadOnlySpan<byte> buffer, int pos)
    {
        CheckRange(p, pos, buffer.Length);
        if (!p.IoLock.TryEnter())
        {
            throw new MdevException(Errno.EAGAIN, $"write of the async region of subchannel {p.Subchannel.Id}: a request is in progress");
        }

        int ret;
        try
        {
            buffer.CopyTo(p.CmdRegion.AsSpan(pos));
            CcwFsm.Fire(p, CcwFsmEvent.AsyncRequest);
            ret = p.CmdRetCode;
        }
        finally
        {
            p.IoLock.Exit();
        }

        p.Subchannel.ScheduleInterrupt();
        return CcwRegionResult.Of(ret, buffer.Length, $"async command {p.Command} on subchannel {p.Subchannel.Id} in state {p.State}");
    }

    private static void CheckRange(CcwPrivate p, int pos, int count)
    {
        if (pos + count > CcwLayout.CmdRegionSize)
        {
            throw new MdevException(Errno.EINVAL, $"async region of subchannel {p.Subchannel.Id}: {count} bytes at {pos} pass its {CcwLayout.CmdRegionSize}");
        }
    }
}
