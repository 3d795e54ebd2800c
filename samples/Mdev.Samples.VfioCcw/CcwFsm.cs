using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The vfio-ccw state machine (<c>vfio_ccw_fsm.c</c>): the kernel's jump table of state × event, and its actions.
/// Every action runs with the private's I/O lock held.
/// </summary>
internal static class CcwFsm
{
    private static readonly Action<CcwPrivate>[][] JumpTable =
    [
        //                 NOT_OPER        IO_REQ      INTERRUPT    ASYNC_REQ     OPEN            CLOSE
        /* NOT_OPER */      [Nop,           IoError,    DisabledIrq, AsyncError,   Nop,            Nop],
        /* STANDBY */       [NotOperational, IoError,   DisabledIrq, AsyncError,   Open,           NotOperational],
        /* IDLE */          [NotOperational, IoRequest, Irq,         AsyncRequest, NotOperational, Close],
        /* CP_PROCESSING */ [NotOperational, IoRetry,   Irq,         AsyncRetry,   NotOperational, Close],
        /* CP_PENDING */    [NotOperational, IoBusy,    Irq,         AsyncRequest, NotOperational, Close],
    ];

    /// <summary><c>vfio_ccw_fsm_event</c>.</summary>
    /// <param name="p">The subchannel's private state.</param>
    /// <param name="fsmEvent">The event.</param>
    public static void Fire(CcwPrivate p, CcwFsmEvent fsmEvent) => JumpTable[(int)p.State][(int)fsmEvent](p);

    private static void Nop(CcwPrivate p)
    {
    }

    /// <summary><c>fsm_notoper</c> (the kernel also schedules the subchannel's unregistration; not modelled).</summary>
    private static void NotOperational(CcwPrivate p)
    {
        p.State = CcwFsmState.NotOper;
        p.Program.Free();
    }

    private static void IoError(CcwPrivate p) => p.IoRetCode = -(int)Errno.EIO;

    private static void IoBusy(CcwPrivate p) => p.IoRetCode = -(int)Errno.EBUSY;

    private static void IoRetry(CcwPrivate p) => p.IoRetCode = -(int)Errno.EAGAIN;

    private static void AsyncError(CcwPrivate p) => p.CmdRetCode = -(int)Errno.EIO;

    private static void AsyncRetry(CcwPrivate p) => p.CmdRetCode = -(int)Errno.EAGAIN;

    /// <summary><c>fsm_disabled_irq</c>: an interruption while closed means a disable did not take; disable again.</summary>
    private static void DisabledIrq(CcwPrivate p) => p.Subchannel.Disable();

    /// <summary>
    /// <c>fsm_io_request</c>: START builds, prefetches and starts the channel program (ret_code 0 → CP_PENDING); transport
    /// mode, HALT and CLEAR are <c>EOPNOTSUPP</c>; any failure returns to IDLE. Without a function bit ret_code is left as written.
    /// </summary>
    private static void IoRequest(CcwPrivate p)
    {
        p.State = CcwFsmState.CpProcessing;
        uint fctl = Scsw.Fctl(Scsw.Word0(p.IoRegion.AsSpan(CcwLayout.ScswOffset, CcwLayout.ScswSize)));
        if ((fctl & Scsw.FctlStart) != 0)
        {
            var orb = Orb.Parse(p.IoRegion.AsSpan(CcwLayout.OrbOffset, CcwLayout.OrbSize));
            if (orb.TransportMode)
            {
                p.IoRetCode = -(int)Errno.EOPNOTSUPP;
            }
            else if (Try(p, () => p.Program.Init(p.Dma, orb)) && Try(p, p.Program.Prefetch, freeOnError: true))
            {
                p.IoRetCode = IoHelper(p);
                if (p.IoRetCode == 0)
                {
                    return;
                }

                p.Program.Free();
            }
        }
        else if ((fctl & (Scsw.FctlHalt | Scsw.FctlClear)) != 0)
        {
            p.IoRetCode = -(int)Errno.EOPNOTSUPP; // halt and clear go through the async command region
        }

        p.State = CcwFsmState.Idle;
    }

    /// <summary><c>fsm_io_helper</c>: SSCH with the program's ORB (LPM defaulted to the subchannel's) and the cc mapped to an errno.</summary>
    private static int IoHelper(CcwPrivate p)
    {
        var sch = p.Subchannel;
        var orb = p.Program.Orb.Lpm == 0 ? p.Program.Orb.WithLpm(sch.Lpm) : p.Program.Orb;
        switch (sch.Start(orb, p.Program))
        {
            case 0:
                p.State = CcwFsmState.CpPending;
                return 0;
            case 1:
            case 2:
                return -(int)Errno.EBUSY;
            default:
                sch.Lpm = orb.Lpm != 0 ? (byte)(sch.Lpm & ~orb.Lpm) : (byte)0;
                return sch.Store(CcwCatalog.Isc) is null || sch.Lpm == 0 ? -(int)Errno.ENODEV : -(int)Errno.EACCES;
        }
    }

    /// <summary><c>fsm_async_request</c>: HSCH (0, cc 1/2 <c>EBUSY</c>, cc 3 <c>ENODEV</c>), CSCH (0, cc 3 <c>ENODEV</c>), anything else <c>EINVAL</c>.</summary>
    private static void AsyncRequest(CcwPrivate p) => p.CmdRetCode = p.Command switch
    {
        CcwLayout.AsyncCmdHsch => p.Subchannel.Halt() switch
        {
            0 => 0,
            1 or 2 => -(int)Errno.EBUSY,
            _ => -(int)Errno.ENODEV,
        },
        CcwLayout.AsyncCmdCsch => p.Subchannel.Clear() == 0 ? 0 : -(int)Errno.ENODEV,
        _ => -(int)Errno.EINVAL,
    };

    /// <summary>
    /// <c>fsm_irq</c> with <c>vfio_ccw_sch_io_todo</c>: a solicited final status ends a pending channel program (freed,
    /// back to IDLE); the IRB is copied into the I/O region and the IO eventfd is signalled.
    /// </summary>
    private static void Irq(CcwPrivate p)
    {
        var irb = p.Irb;
        uint word0 = Scsw.Word0(irb);
        bool finished = false;
        if (Scsw.IsSolicited(word0) && Scsw.IsFinal(word0) && p.State == CcwFsmState.CpPending)
        {
            p.Program.Free();
            finished = true;
        }

        irb.CopyTo(p.IoRegion.AsSpan(CcwLayout.IrbOffset, CcwLayout.IrbSize));
        if (finished)
        {
            p.State = CcwFsmState.Idle;
        }

        p.Signal(CcwLayout.IoIrq);
    }

    /// <summary><c>fsm_open</c>: enable the subchannel (IDLE), or the device is not operational.</summary>
    private static void Open(CcwPrivate p)
    {
        if (p.Subchannel.Enable())
        {
            p.State = CcwFsmState.Idle;
        }
        else
        {
            Fire(p, CcwFsmEvent.NotOper);
        }
    }

    /// <summary><c>fsm_close</c>: disable (quiescing) the subchannel and free the program (STANDBY), or not operational.</summary>
    private static void Close(CcwPrivate p)
    {
        if (!p.Subchannel.Enabled || !p.Subchannel.Disable())
        {
            Fire(p, CcwFsmEvent.NotOper);
            return;
        }

        p.State = CcwFsmState.Standby;
        p.Program.Free();
    }

    private static bool Try(CcwPrivate p, Action step, bool freeOnError = false)
    {
        try
        {
            step();
            return true;
        }
        catch (MdevException ex)
        {
            p.IoRetCode = -(int)ex.Errno;
            if (freeOnError)
            {
                p.Program.Free();
            }

            return false;
        }
    }
}
