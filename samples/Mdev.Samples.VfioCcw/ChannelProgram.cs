using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// A guest channel program as vfio-ccw handles it (<c>vfio_ccw_cp.c</c>): <see cref="Init"/> copies the CCW chains out
/// of guest memory through DMA (pin, read, unpin) following TICs, <see cref="Prefetch"/> pins every data area,
/// <see cref="Run"/> is the channel executing it against the device, <see cref="Free"/> unpins everything.
/// IDAWs are not emulated: an IDA CCW is refused with <c>EOPNOTSUPP</c>.
/// </summary>
internal sealed class ChannelProgram : IChannelDataPort
{
    /// <summary><c>CCWCHAIN_LEN_MAX</c>.</summary>
    public const int ChainLengthMax = 256;

    private const ulong PageMask = 0xFFF;

    /// <summary>A guard against TIC loops (not the kernel's; a real channel would loop forever).</summary>
    private const int MaxExecuted = 4096;

    private readonly Dictionary<uint, Ccw1> _ccws = [];
    private readonly List<(uint Head, int Length)> _chains = [];
    private readonly List<(ulong Iova, int Pages)> _pins = [];
    private VfioDeviceContext? _dma;

    /// <summary>Whether <see cref="Init"/> succeeded and <see cref="Free"/> has not run.</summary>
    public bool Initialized { get; private set; }

    /// <summary>The guest's ORB.</summary>
    public Orb Orb { get; private set; }

    /// <summary>
    /// <c>cp_init</c>: fetches the chain at the ORB's CPA (2 KiB through DMA), converts format-0 CCWs, counts the chain
    /// (command/data chaining and TICs back into it; more than 256 is <c>EINVAL</c>, IDA without c64 or with i2k is
    /// <c>EOPNOTSUPP</c>) and fetches every chain a TIC leads to.
    /// </summary>
    /// <param name="dma">The device's DMA.</param>
    /// <param name="orb">The ORB.</param>
    /// <exception cref="MdevException"><c>EBUSY</c> when already initialised; the errno of a failed step.</exception>
    public void Init(VfioDeviceContext dma, Orb orb)
    {
        if (Initialized)
        {
            throw new MdevException(Errno.EBUSY, "vfio-ccw channel program: already initialised");
        }

        _dma = dma;
        Orb = orb;
        try
        {
            HandleChain(orb.Cpa);
        }
        catch
        {
            _ccws.Clear();
            _chains.Clear();
            throw;
        }

        Initialized = true;
    }

    /// <summary><c>cp_prefetch</c>: checks every TIC target and pins the data area of every CCW that transfers data (read and write).</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> when not initialised; <c>EFAULT</c> for a TIC outside the chains; the pin's errno. Nothing stays pinned on failure.</exception>
    public void Prefetch()
    {
        if (!Initialized)
        {
            throw new MdevException(Errno.EINVAL, "vfio-ccw channel program: prefetch before init");
        }

        try
        {
            foreach (var (address, ccw) in _ccws.OrderBy(c => c.Key))
            {
                if (ccw.IsTic)
                {
                    if (!InChains(ccw.Cda))
                    {
                        throw new MdevException(Errno.EFAULT, $"vfio-ccw channel program: TIC at 0x{address:x} leads outside the fetched chains (0x{ccw.Cda:x})");
                    }

                    continue;
                }

                if (ccw.IsIda)
                {
                    throw new MdevException(Errno.EOPNOTSUPP, $"vfio-ccw channel program: IDA CCW at 0x{address:x} (indirect data addressing is not emulated)");
                }

                if (ccw.DoesDataTransfer)
                {
                    int bytes = Math.Max((int)ccw.Count, 1);
                    ulong first = ccw.Cda & ~PageMask;
                    int pages = (int)(((ccw.Cda & PageMask) + (ulong)bytes + PageMask) >> 12);
                    _dma!.PinPages(first, pages, write: true);
                    _pins.Add((first, pages));
                }
            }
        }
        catch
        {
            Unpin();
            throw;
        }
    }

    /// <summary><c>cp_free</c>: unpins every data area and forgets the program.</summary>
    public void Free()
    {
        if (!Initialized)
        {
            return;
        }

        Initialized = false;
        Unpin();
        _ccws.Clear();
        _chains.Clear();
    }

    /// <summary><c>cp_iova_pinned</c>: whether any pinned page lies in <c>[iova, iova + length)</c>.</summary>
    /// <param name="iova">The start.</param>
    /// <param name="length">The length.</param>
    /// <returns>True when a pinned page is in the range.</returns>
    public bool IovaPinned(ulong iova, ulong length) =>
        Initialized && _pins.Any(p => Enumerable.Range(0, p.Pages).Select(i => p.Iova + ((ulong)i << 12)).Any(page => page >= iova && page - iova < length));

    /// <summary>
    /// The channel executing the program: CCW by CCW from the ORB's CPA, following TICs and command chaining, until a
    /// CCW without chaining, unit check or incorrect length (count differs from the device's length without SLI) ends it.
    /// Data chaining is treated as command chaining.
    /// </summary>
    /// <param name="device">The device.</param>
    /// <returns>The address of the last CCW executed and the ending status.</returns>
    public (uint LastCcw, byte DeviceStatus, byte SubchannelStatus, ushort Residual) Run(CcwRecordDevice device)
    {
        uint address = Orb.Cpa;
        bool afterTic = false;
        for (int executed = 0; executed < MaxExecuted; executed++)
        {
            if (!_ccws.TryGetValue(address, out var ccw) || (ccw.IsTic && afterTic))
            {
                return (address, 0, Scsw.SchStatProgramCheck, 0);
            }

            if (ccw.IsTic)
            {
                afterTic = true;
                address = ccw.Cda;
                continue;
            }

            afterTic = false;
            var result = device.Execute(ccw, this);
            var residual = (ushort)(ccw.Count - result.Transferred);
            byte deviceStatus = (byte)(Scsw.DevStatChannelEnd | Scsw.DevStatDeviceEnd | (result.UnitCheck ? Scsw.DevStatUnitCheck : 0));
            bool incorrectLength = !result.UnitCheck && result.DeviceLength != ccw.Count && (ccw.Flags & Ccw1.FlagSli) == 0;
            if (result.UnitCheck || incorrectLength || !ccw.IsChained)
            {
                return (address, deviceStatus, incorrectLength ? Scsw.SchStatIncorrectLength : (byte)0, residual);
            }

            address += Ccw1.Size;
        }

        return (address, 0, Scsw.SchStatProgramCheck, 0);
    }

    /// <inheritdoc />
    public void ToDevice(uint address, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            _dma!.DmaRead(address, destination);
        }
    }

    /// <inheritdoc />
    public void FromDevice(uint address, ReadOnlySpan<byte> source) => _dma!.DmaWrite(address, source);

    /// <summary><c>ccwchain_handle_ccw</c>: one chain, then the chains its TICs lead to.</summary>
    private void HandleChain(uint cda)
    {
        var raw = new byte[ChainLengthMax * Ccw1.Size];
        CopyFromIova(cda, raw);
        var ccws = new Ccw1[ChainLengthMax];
        for (int i = 0; i < ccws.Length; i++)
        {
            var bytes = raw.AsSpan(i * Ccw1.Size, Ccw1.Size);
            ccws[i] = Orb.Format1 ? Ccw1.Parse(bytes) : Ccw1.ParseFormat0(bytes);
        }

        int length = CalcLength(ccws, cda);
        _chains.Add((cda, length));
        for (int i = 0; i < length; i++)
        {
            _ccws[cda + (uint)(i * Ccw1.Size)] = ccws[i];
        }

        for (int i = 0; i < length; i++)
        {
            if (ccws[i].IsTic && !InChains(ccws[i].Cda))
            {
                HandleChain(ccws[i].Cda);
            }
        }
    }

    /// <summary><c>ccwchain_calc_length</c>.</summary>
    private int CalcLength(Ccw1[] ccws, uint head)
    {
        int count = 0;
        do
        {
            var ccw = ccws[count++];
            if ((!Orb.C64 || Orb.I2k) && ccw.IsIda)
            {
                throw new MdevException(Errno.EOPNOTSUPP, $"vfio-ccw channel program: IDA CCW at 0x{head + ((uint)(count - 1) * Ccw1.Size):x} needs c64 without i2k");
            }

            bool ticBack = ccw.IsTic && ccw.Cda >= head && ccw.Cda <= head + ((uint)(count - 1) * Ccw1.Size);
            if (!ccw.IsChained && !ticBack)
            {
                return count;
            }
        }
        while (count < ChainLengthMax);

        throw new MdevException(Errno.EINVAL, $"vfio-ccw channel program at 0x{head:x}: the chain is longer than {ChainLengthMax} CCWs");
    }

    /// <summary><c>copy_from_iova</c>: pin the pages, copy, unpin.</summary>
    private void CopyFromIova(uint iova, Span<byte> destination)
    {
        ulong first = iova & ~PageMask;
        int pages = (int)(((iova & PageMask) + (ulong)destination.Length + PageMask) >> 12);
        _dma!.PinPages(first, pages, write: true);
        try
        {
            _dma.DmaRead(iova, destination);
        }
        finally
        {
            _dma.UnpinPages(first, pages);
        }
    }

    private bool InChains(uint address) =>
        _chains.Any(c => address >= c.Head && address <= c.Head + ((uint)(c.Length - 1) * Ccw1.Size));

    private void Unpin()
    {
        foreach (var (iova, pages) in _pins)
        {
            try
            {
                _dma!.UnpinPages(iova, pages);
            }
            catch (MdevException)
            {
                // The container is already gone: nothing is pinned any more.
            }
        }

        _pins.Clear();
    }
}
