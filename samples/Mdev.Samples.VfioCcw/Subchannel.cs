using System.Numerics;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The emulated I/O subchannel and its channel subsystem: START, HALT and CLEAR SUBCHANNEL with their condition codes,
/// STORE SUBCHANNEL, enable/disable (MODIFY SUBCHANNEL), channel paths, and the I/O interruption, presented
/// <see cref="CcwSubchannelOptions.InterruptLatency"/> after a function is accepted (on the core's <see cref="TimeProvider"/>).
/// A start runs the channel program at once; its status stays pending until the interruption is taken.
/// </summary>
/// <remarks>Locking: <see cref="_lock"/> is <c>sch-&gt;lock</c>; it is released before the interruption handler runs.</remarks>
internal sealed class Subchannel
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _latency;
    private readonly CcwRecordDevice _device = new();
    private byte[]? _pendingIrb;
    private uint _functions;
    private ITimer? _timer;
    private bool _armed;
    private int _generation;

    public Subchannel(SubchannelId id, ushort deviceNumber, IReadOnlyList<byte> chpids, TimeProvider time, TimeSpan latency)
    {
        Id = id;
        DeviceNumber = deviceNumber;
        Chpids = chpids;
        _time = time;
        _latency = latency;
        Pim = (byte)(0xFF00 >> chpids.Count);
        Pom = Pim;
        Lpm = Pim;
    }

    public SubchannelId Id { get; }

    public ushort DeviceNumber { get; }

    public IReadOnlyList<byte> Chpids { get; }

    /// <summary>Paths installed.</summary>
    public byte Pim { get; }

    /// <summary>Paths operational (the hardware's view).</summary>
    public byte Pom { get; private set; }

    /// <summary>The logical path mask (<c>sch-&gt;lpm</c>).</summary>
    public byte Lpm
    {
        get
        {
            lock (_lock)
            {
                return field;
            }
        }

        set
        {
            lock (_lock)
            {
                field = value;
            }
        }
    }

    /// <summary>The last path used.</summary>
    public byte Lpum { get; private set; }

    /// <summary>Enabled for I/O interruptions (PMCW <c>ena</c>).</summary>
    public bool Enabled { get; private set; }

    /// <summary>The subchannel no longer exists (STSCH would give cc 3).</summary>
    public bool Gone { get; private set; }

    /// <summary>The emulated device.</summary>
    public CcwRecordDevice Device => _device;

    /// <summary>The css driver's interruption handler (<c>css_driver.irq</c>), given the IRB TEST SUBCHANNEL stored.</summary>
    public Action<byte[]>? InterruptHandler { get; set; }

    /// <summary><c>cio_enable_subchannel</c>.</summary>
    /// <returns>False when the subchannel is gone.</returns>
    public bool Enable()
    {
        lock (_lock)
        {
            Enabled = !Gone;
            return Enabled;
        }
    }

    /// <summary><c>cio_disable_subchannel</c> after quiescing: pending status and any scheduled interruption are discarded.</summary>
    /// <returns>False when the subchannel is gone.</returns>
    public bool Disable()
    {
        lock (_lock)
        {
            CancelInterruptLocked();
            _pendingIrb = null;
            _functions = 0;
            Enabled = false;
            return !Gone;
        }
    }

    /// <summary>START SUBCHANNEL: cc 3 when gone or no path of the ORB's LPM is operational, 1 when status is pending, 2 when a function is in progress, else 0 and the program runs.</summary>
    /// <param name="orb">The ORB (LPM already defaulted).</param>
    /// <param name="program">The prefetched channel program.</param>
    /// <returns>The condition code.</returns>
    public int Start(Orb orb, ChannelProgram program)
    {
        lock (_lock)
        {
            if (Gone)
            {
                return 3;
            }

            if (_pendingIrb is not null)
            {
                return 1;
            }

            if (_functions != 0)
            {
                return 2;
            }

            var paths = (byte)(orb.Lpm & Pom & Pim);
            if (paths == 0)
            {
                return 3;
            }

            Lpum = (byte)(0x80 >> BitOperations.LeadingZeroCount((uint)paths << 24));
            var (last, deviceStatus, subchannelStatus, residual) = program.Run(_device);
            _functions = Scsw.FctlStart;
            _pendingIrb = Irb.StartCompleted(orb, last, deviceStatus, subchannelStatus, residual);
            return 0;
        }
    }

    /// <summary>HALT SUBCHANNEL: cc 3 when gone, 1 when status is pending, 2 when a halt or clear is in progress, else 0 with halt status pending.</summary>
    /// <returns>The condition code.</returns>
    public int Halt()
    {
        lock (_lock)
        {
            if (Gone)
            {
                return 3;
            }

            if (_pendingIrb is not null)
            {
                return 1;
            }

            if ((_functions & (Scsw.FctlHalt | Scsw.FctlClear)) != 0)
            {
                return 2;
            }

            _functions |= Scsw.FctlHalt;
            _pendingIrb = Irb.Halted();
            return 0;
        }
    }

    /// <summary>CLEAR SUBCHANNEL: cc 3 when gone, else 0; any pending status is replaced by clear status.</summary>
    /// <returns>The condition code.</returns>
    public int Clear()
    {
        lock (_lock)
        {
            if (Gone)
            {
                return 3;
            }

            _functions = Scsw.FctlClear;
            _pendingIrb = Irb.Cleared();
            return 0;
        }
    }

    /// <summary>STORE SUBCHANNEL.</summary>
    /// <param name="isc">The interruption subclass to show.</param>
    /// <returns>The SCHIB, or null (cc 3) when the subchannel is gone.</returns>
    public byte[]? Store(byte isc)
    {
        lock (_lock)
        {
            if (Gone)
            {
                return null;
            }

            var pnom = (byte)(Pim & ~Pom);
            var scsw = _pendingIrb is null ? new byte[12] : _pendingIrb.AsSpan(0, 12).ToArray();
            return Schib.Build(Id.Sid, isc, Enabled, DeviceNumber, (Lpm, pnom, Lpum, Pim, Pom, Pim), Chpids, scsw);
        }
    }

    /// <summary>A channel path changes state: the path mask of <paramref name="chpid"/> for this subchannel (0 when none).</summary>
    /// <param name="chpid">The CHPID.</param>
    /// <param name="online">Whether it is now operational.</param>
    /// <returns>The path mask.</returns>
    public byte SetPathOperational(byte chpid, bool online)
    {
        lock (_lock)
        {
            int i = Chpids.ToList().IndexOf(chpid);
            if (i < 0)
            {
                return 0;
            }

            var mask = (byte)(0x80 >> i);
            Pom = online ? (byte)(Pom | mask) : (byte)(Pom & ~mask);
            return mask;
        }
    }

    /// <summary>The subchannel disappears (machine check / hot unplug): every instruction now gets cc 3.</summary>
    public void Vanish()
    {
        lock (_lock)
        {
            Gone = true;
            CancelInterruptLocked();
            _pendingIrb = null;
            _functions = 0;
        }
    }

    /// <summary>Arms the I/O interruption when status is pending and the subchannel is enabled; call with no driver lock held.</summary>
    public void ScheduleInterrupt()
    {
        int generation;
        lock (_lock)
        {
            if (_pendingIrb is null || _armed || !Enabled)
            {
                return;
            }

            _armed = true;
            generation = ++_generation;
        }

        var timer = _time.CreateTimer(_ => Deliver(generation), null, _latency, Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            if (_armed && _generation == generation)
            {
                _timer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    /// <summary>TEST SUBCHANNEL in the interruption: takes the pending IRB and hands it to the driver.</summary>
    private void Deliver(int generation)
    {
        byte[]? irb;
        lock (_lock)
        {
            if (!_armed || _generation != generation)
            {
                return;
            }

            _armed = false;
            _timer?.Dispose();
            _timer = null;
            irb = _pendingIrb;
            _pendingIrb = null;
            _functions = 0;
        }

        if (irb is not null)
        {
            InterruptHandler?.Invoke(irb);
        }
    }

    private void CancelInterruptLocked()
    {
        _armed = false;
        _generation++;
        _timer?.Dispose();
        _timer = null;
    }
}
