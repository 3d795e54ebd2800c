using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The driver's state for one subchannel (<c>struct vfio_ccw_private</c>): the FSM state, the region buffers, the channel
/// program, the CRW queue and the three eventfd triggers. It lives as long as the css driver is bound, across mdevs.
/// </summary>
/// <remarks>
/// Locking: <see cref="IoLock"/> is <c>io_mutex</c> (region writes only try it: <c>EAGAIN</c>); every FSM event runs under
/// it. <see cref="_irqLock"/> guards the triggers, <see cref="_crwLock"/> the CRW queue. Order: I/O lock, then the
/// subchannel's, then the IOMMU's.
/// </remarks>
internal sealed class CcwPrivate
{
    private readonly Lock _irqLock = new();
    private readonly Lock _crwLock = new();
    private readonly Queue<uint> _crws = new();
    private readonly EventFd?[] _triggers = new EventFd?[CcwLayout.NumIrqs];
    private MdevDevice? _device;

    public CcwPrivate(Subchannel subchannel, CcwFsmState initial)
    {
        Subchannel = subchannel;
        State = initial;
        subchannel.InterruptHandler = OnInterrupt;
    }

    public Subchannel Subchannel { get; }

    public CcwFsmState State { get; set; }

    public Lock IoLock { get; } = new();

    /// <summary><c>struct ccw_io_region</c>.</summary>
    public byte[] IoRegion { get; } = new byte[CcwLayout.IoRegionSize];

    /// <summary><c>struct ccw_cmd_region</c>.</summary>
    public byte[] CmdRegion { get; } = new byte[CcwLayout.CmdRegionSize];

    public ChannelProgram Program { get; } = new();

    /// <summary>The IRB of the interruption being handled (<c>private-&gt;irb</c>).</summary>
    public byte[] Irb { get; private set; } = new byte[CcwLayout.IrbSize];

    /// <summary>How many device regions <c>open_device</c> registered (0 while closed, 3 while open).</summary>
    public int NumRegions { get; private set; }

    /// <summary>The I/O region's <c>ret_code</c> (host order).</summary>
    public int IoRetCode
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(IoRegion.AsSpan(CcwLayout.RetCodeOffset));
        set => BinaryPrimitives.WriteInt32LittleEndian(IoRegion.AsSpan(CcwLayout.RetCodeOffset), value);
    }

    /// <summary>The async region's <c>command</c>.</summary>
    public uint Command => BinaryPrimitives.ReadUInt32LittleEndian(CmdRegion);

    /// <summary>The async region's <c>ret_code</c>.</summary>
    public int CmdRetCode
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(CmdRegion.AsSpan(4));
        set => BinaryPrimitives.WriteInt32LittleEndian(CmdRegion.AsSpan(4), value);
    }

    /// <summary>The open device's DMA.</summary>
    public VfioDeviceContext Dma => (_device ?? throw new MdevException(Errno.ENODEV, $"vfio-ccw {Subchannel.Id}: no device is open")).Vfio();

    /// <summary><c>vfio_ccw_mdev_open_device</c>: <c>EINVAL</c> when NOT_OPER; registers the async, SCHIB and CRW regions; OPEN.</summary>
    public void OpenDevice(MdevDevice mdev)
    {
        lock (IoLock)
        {
            if (State == CcwFsmState.NotOper)
            {
                throw new MdevException(Errno.EINVAL, $"open {mdev.Name}: subchannel {Subchannel.Id} is not operational");
            }

            NumRegions = CcwLayout.DeviceRegions.Count;
            _device = mdev;
            CcwFsm.Fire(this, CcwFsmEvent.Open);
            if (State == CcwFsmState.NotOper)
            {
                NumRegions = 0;
                _device = null;
                throw new MdevException(Errno.EINVAL, $"open {mdev.Name}: subchannel {Subchannel.Id} could not be enabled");
            }
        }
    }

    /// <summary><c>vfio_ccw_mdev_close_device</c>: CLOSE, then the device regions go.</summary>
    public void CloseDevice()
    {
        lock (IoLock)
        {
            CcwFsm.Fire(this, CcwFsmEvent.Close);
            NumRegions = 0;
            _device = null;
        }
    }

    /// <summary><c>vfio_ccw_mdev_reset</c>: CLOSE then OPEN; <c>EINVAL</c> when that leaves the subchannel NOT_OPER.</summary>
    public void Reset()
    {
        lock (IoLock)
        {
            CcwFsm.Fire(this, CcwFsmEvent.Close);
            CcwFsm.Fire(this, CcwFsmEvent.Open);
            if (State == CcwFsmState.NotOper)
            {
                throw new MdevException(Errno.EINVAL, $"reset of subchannel {Subchannel.Id}: it is not operational");
            }
        }
    }

    /// <summary>Runs an FSM event under the I/O lock.</summary>
    public void Fire(CcwFsmEvent fsmEvent)
    {
        lock (IoLock)
        {
            CcwFsm.Fire(this, fsmEvent);
        }
    }

    /// <summary><c>vfio_ccw_dma_unmap</c>: guest memory under the channel program goes away, so the device is reset.</summary>
    public void DmaUnmap(ulong iova, ulong length)
    {
        lock (IoLock)
        {
            if (!Program.IovaPinned(iova, length))
            {
                return;
            }

            CcwFsm.Fire(this, CcwFsmEvent.Close);
            CcwFsm.Fire(this, CcwFsmEvent.Open);
        }
    }

    /// <summary><c>vfio_ccw_sch_event</c>: when STSCH fails, the FSM gets NOT_OPER.</summary>
    public void SubchannelEvent()
    {
        if (Subchannel.Store(CcwCatalog.Isc) is null)
        {
            Fire(CcwFsmEvent.NotOper);
        }
    }

    /// <summary>
    /// <c>vfio_ccw_chp_event</c> for a path going offline or coming online: a CRW (channel path, PERRN or INIT, chpid) is
    /// queued; online paths rejoin the logical path mask.
    /// </summary>
    public void ChannelPathEvent(byte chpid, bool online)
    {
        var mask = Subchannel.SetPathOperational(chpid, online);
        if (mask == 0 || Subchannel.Store(CcwCatalog.Isc) is null)
        {
            return;
        }

        if (online)
        {
            Subchannel.Lpm |= (byte)(mask & Subchannel.Pom);
        }

        QueueCrw(Crw.Make(Crw.RscChannelPath, online ? Crw.ErcInitialized : Crw.ErcPermanentErrorNotInitialized, chpid));
    }

    /// <summary>Dequeues the oldest CRW (0 when none) and whether more are queued.</summary>
    public (uint Crw, bool More) DequeueCrw()
    {
        lock (_crwLock)
        {
            var crw = _crws.Count > 0 ? _crws.Dequeue() : 0;
            return (crw, _crws.Count > 0);
        }
    }

    /// <summary>Sets (or, with null, releases) the trigger of an IRQ index.</summary>
    public void SetTrigger(uint index, EventFd? eventFd)
    {
        lock (_irqLock)
        {
            _triggers[index] = eventFd;
        }
    }

    /// <summary>Signals an IRQ index's eventfd, if one is set (a closed eventfd is ignored: the kernel holds its context).</summary>
    /// <returns>Whether a trigger was set.</returns>
    public bool Signal(uint index)
    {
        EventFd? trigger;
        lock (_irqLock)
        {
            trigger = _triggers[index];
        }

        if (trigger is null)
        {
            return false;
        }

        try
        {
            trigger.Signal();
        }
        catch (MdevException ex) when (ex.Errno == Errno.EBADF)
        {
            // The user closed its eventfd without releasing it: eventfd_signal on the kept context reaches nobody.
        }

        return true;
    }

    private void QueueCrw(uint crw)
    {
        lock (_crwLock)
        {
            _crws.Enqueue(crw);
        }

        Signal(CcwLayout.CrwIrq); // vfio_ccw_crw_todo
    }

    /// <summary><c>vfio_ccw_sch_irq</c>: the INTERRUPT event with the IRB.</summary>
    private void OnInterrupt(byte[] irb)
    {
        lock (IoLock)
        {
            Irb = irb;
            CcwFsm.Fire(this, CcwFsmEvent.Interrupt);
        }
    }
}
