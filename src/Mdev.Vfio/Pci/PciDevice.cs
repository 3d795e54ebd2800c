using System.Buffers;
using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// The plumbing of an emulated <c>vfio-pci</c> device, so a vendor writes only its registers: a config space from a
/// <see cref="PciHeader"/> preset, regions declared by index with a size, flags and handlers that receive the offset
/// <em>within</em> the region, BARs that program both the config-space BAR and the region, and
/// <see cref="PciInterrupts"/>. <see cref="PciParentOps"/> routes the device file to it: GET_INFO (PCI, RESET,
/// <see cref="NumRegions"/> regions, 5 IRQ indexes), GET_REGION_INFO for every index (undeclared ones size 0, no
/// flags), the config region to <see cref="Config"/>, every other access to its region's handler after vfio-pci's
/// bounds checks. Declare everything first: the first access through the device file realizes the device (the config
/// space as it is then is what <see cref="Reset"/> restores), and declarations after that fail with <c>EBUSY</c>.
/// </summary>
/// <remarks>
/// <para>Locking, the one rule: <see cref="SyncRoot"/> guards the config space and every region handler's state.
/// The device takes it around every access it routes (config reads and writes, region handlers, mmap, reset,
/// migration save and load), so handlers never lock. Code that runs outside a routed call — a timer, a worker
/// thread — takes it (<c>lock (device.SyncRoot)</c>) before touching <see cref="Config"/> or register state.
/// <see cref="Interrupts"/> has its own lock, which may be taken under <see cref="SyncRoot"/> and never takes it.</para>
/// <para>Bounds, as <c>vfio_pci_rw</c>: an index past the regions is <c>EINVAL</c>; the config region must contain the
/// whole access, else <c>EFAULT</c> (<c>vfio_config_do_rw</c>); any other region answers <c>EINVAL</c> when it is
/// empty, lacks the READ or WRITE flag, or the access starts at or past its end, and cuts an access that runs past
/// its end (<see cref="PciAccessBounds.Truncate"/>, vfio-pci's <c>count = min(count, end - pos)</c>) or refuses it
/// (<see cref="PciAccessBounds.Refuse"/>).</para>
/// </remarks>
public class PciDevice
{
    private readonly PciRegion?[] _regions = new PciRegion?[VfioPciRegion.NumRegions + 16];
    private byte[]? _initialConfig;
    private uint _upperHalves; // BARs taken as the upper half of a 64-bit BAR

    /// <summary>Creates a device with the header's config space.</summary>
    /// <param name="header">The identity and the config-space preset.</param>
    /// <param name="interrupts">The interrupts; null for INTx and one MSI vector.</param>
    public PciDevice(PciHeader header, PciInterrupts? interrupts = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        Header = header;
        Interrupts = interrupts ?? new PciInterrupts();
        Config = header.CreateConfigSpace(Interrupts.HasIntx);
    }

    /// <summary>The one lock of the device (see the remarks).</summary>
    public Lock SyncRoot { get; } = new();

    /// <summary>The header the device was created from.</summary>
    public PciHeader Header { get; }

    /// <summary>The config space (guarded by <see cref="SyncRoot"/>).</summary>
    public PciConfigSpace Config { get; }

    /// <summary>The interrupts, wired to GET_IRQ_INFO and SET_IRQS.</summary>
    public PciInterrupts Interrupts { get; }

    /// <summary>What an access running past a region's end does; vfio-pci's <see cref="PciAccessBounds.Truncate"/> by default.</summary>
    public PciAccessBounds Bounds { get; init; } = PciAccessBounds.Truncate;

    /// <summary>The migration arcs the device supports; none by default. With STOP_COPY, <see cref="SaveState"/> and <see cref="LoadState"/> carry the vendor's state (the config space travels by itself).</summary>
    public VfioMigrationFlags MigrationFlags { get; init; }

    /// <summary>The number of region indexes: <see cref="VfioPciRegion.NumRegions"/>, or one past the highest device-specific region.</summary>
    public uint NumRegions
    {
        get
        {
            for (int i = _regions.Length - 1; i >= (int)VfioPciRegion.NumRegions; i--)
            {
                if (_regions[i] is not null)
                {
                    return (uint)i + 1;
                }
            }

            return VfioPciRegion.NumRegions;
        }
    }

    /// <summary>
    /// Declares BAR <paramref name="bar"/>: the config-space BAR (type bits, and a write mask so sizing reads back
    /// <paramref name="size"/>) and region <paramref name="bar"/> (READ|WRITE, plus MMAP with a mapper).
    /// </summary>
    /// <param name="bar">0..5 (a 64-bit BAR also takes <paramref name="bar"/> + 1, whose region stays empty).</param>
    /// <param name="kind">I/O, 32-bit or 64-bit memory.</param>
    /// <param name="size">A power of two (at least 4 for I/O, 16 for memory).</param>
    /// <param name="read">The region's read handler.</param>
    /// <param name="write">The region's write handler.</param>
    /// <param name="prefetchable">Memory BARs: the prefetchable bit.</param>
    /// <param name="mmap">A mapper to make the region mmap-able (memory BARs only); null for none.</param>
    /// <param name="capabilities">The region's capabilities (e.g. a sparse mmap area); null for none.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad BAR, size or mapper, or a BAR taken; <c>EBUSY</c> once the device is in use. Nothing changes then.</exception>
    public void DefineBar(uint bar, PciBarKind kind, ulong size, PciRegionReader read, PciRegionWriter write, bool prefetchable = false, PciRegionMapper? mmap = null, IReadOnlyList<VfioRegionCapability>? capabilities = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        uint last = kind == PciBarKind.Memory64 ? bar + 1 : bar;
        if (mmap is not null && kind == PciBarKind.Io)
        {
            throw new MdevException(Errno.EINVAL, $"BAR{bar}: an I/O BAR cannot be mmapped");
        }

        lock (SyncRoot)
        {
            ThrowIfRealized($"BAR{bar}");
            if (!VfioPciRegion.IsBar(bar) || !VfioPciRegion.IsBar(last) || _regions[bar] is not null || _regions[last] is not null || Taken(bar) || Taken(last))
            {
                throw new MdevException(Errno.EINVAL, $"BAR{bar}: not a free BAR (0..5; a 64-bit BAR takes two)");
            }

            Config.DefineBar((int)bar, kind, size, prefetchable); // validates the size, changes nothing when it throws
            var flags = VfioRegionFlags.Read | VfioRegionFlags.Write | (mmap is null ? VfioRegionFlags.None : VfioRegionFlags.Mmap);
            _regions[bar] = new PciRegion(bar, size, flags, read, write, mmap, capabilities ?? []);
            if (last != bar)
            {
                _upperHalves |= 1u << (int)last;
            }
        }
    }

    /// <summary>
    /// Declares a region that is not a BAR: the ROM (6), VGA (8) or a device-specific one (9 and up, which needs a
    /// <see cref="VfioRegionTypeCapability"/> for a VMM to recognise it). Each flag needs its handler.
    /// </summary>
    /// <param name="index">The region index (6, 8, or 9 to 24).</param>
    /// <param name="size">The size (at least 1).</param>
    /// <param name="flags">READ, WRITE, MMAP.</param>
    /// <param name="read">The read handler (needed with READ).</param>
    /// <param name="write">The write handler (needed with WRITE).</param>
    /// <param name="mmap">The mapper (needed with MMAP).</param>
    /// <param name="capabilities">The region's capabilities; null for none.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for an index that is a BAR or the config space or is taken, a zero size, or a flag without its handler; <c>EBUSY</c> once the device is in use.</exception>
    public void AddRegion(uint index, ulong size, VfioRegionFlags flags, PciRegionReader? read, PciRegionWriter? write, PciRegionMapper? mmap = null, IReadOnlyList<VfioRegionCapability>? capabilities = null)
    {
        bool handlersMatch = ((flags & VfioRegionFlags.Read) != 0) == (read is not null)
            && ((flags & VfioRegionFlags.Write) != 0) == (write is not null)
            && ((flags & VfioRegionFlags.Mmap) != 0) == (mmap is not null);
        if (VfioPciRegion.IsBar(index) || index == VfioPciRegion.Config || index >= _regions.Length || size == 0
            || (flags & ~(VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap)) != 0 || !handlersMatch)
        {
            throw new MdevException(Errno.EINVAL, $"region {index}: not a non-BAR index below {_regions.Length}, a zero size, or flags {flags} without their handlers");
        }

        lock (SyncRoot)
        {
            ThrowIfRealized($"region {index}");
            if (_regions[index] is not null)
            {
                throw new MdevException(Errno.EINVAL, $"region {index}: declared already");
            }

            _regions[index] = new PciRegion(index, size, flags, read, write, mmap, capabilities ?? []);
        }
    }

    /// <summary><c>VFIO_DEVICE_GET_REGION_INFO</c>.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>The region; an undeclared index below <see cref="NumRegions"/> is empty with no flags, as vfio-pci reports a BAR without a resource.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an index past <see cref="NumRegions"/>.</exception>
    public VfioRegionInfo GetRegionInfo(uint index)
    {
        if (index >= NumRegions)
        {
            throw new MdevException(Errno.EINVAL, $"region info {index}: the device has regions 0..{NumRegions - 1}");
        }

        return index == VfioPciRegion.Config
            ? new(index, VfioRegionFlags.Read | VfioRegionFlags.Write, (ulong)Config.Size, VfioRegionOffsets.PciIndexToOffset(index))
            : _regions[index]?.Info ?? new(index, VfioRegionFlags.None, 0, VfioRegionOffsets.PciIndexToOffset(index));
    }

    /// <summary>A read of the device file at <paramref name="offset"/> (region <c>offset &gt;&gt; 40</c>).</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The device-file offset.</param>
    /// <returns>The number of bytes read (short when cut at a region's end).</returns>
    /// <exception cref="MdevException">The bounds errors of the remarks, or the handler's.</exception>
    public int Read(Span<byte> buffer, long offset)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var (region, at, count) = Locate(offset, buffer.Length, VfioRegionFlags.Read);
        lock (SyncRoot)
        {
            Realize();
            if (region is null)
            {
                Config.Read((int)at, buffer);
            }
            else
            {
                region.Read!(at, buffer[..count]);
            }
        }

        return count;
    }

    /// <summary>A write of the device file at <paramref name="offset"/>.</summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="offset">The device-file offset.</param>
    /// <returns>The number of bytes written (short when cut at a region's end).</returns>
    /// <exception cref="MdevException">The bounds errors of the remarks, or the handler's.</exception>
    public int Write(ReadOnlySpan<byte> buffer, long offset)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var (region, at, count) = Locate(offset, buffer.Length, VfioRegionFlags.Write);
        lock (SyncRoot)
        {
            Realize();
            if (region is null)
            {
                Config.Write((int)at, buffer);
            }
            else
            {
                region.Write!(at, buffer[..count]);
            }
        }

        return count;
    }

    /// <summary>An mmap of the device file (already checked against the region and its sparse areas by the device file).</summary>
    /// <param name="offset">The device-file offset.</param>
    /// <param name="length">The length.</param>
    /// <returns>The memory.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> when the region has no mapper.</exception>
    public Memory<byte> Mmap(long offset, long length)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(offset);
        var region = index < _regions.Length ? _regions[index] : null;
        if (region?.Mmap is not { } mapper)
        {
            throw new MdevException(Errno.EINVAL, $"mmap at 0x{offset:x}: region {index} cannot be mmapped");
        }

        lock (SyncRoot)
        {
            Realize();
            return mapper(VfioRegionOffsets.PciOffsetInRegion(offset), length);
        }
    }

    /// <summary><c>VFIO_DEVICE_RESET</c> (a function-level reset): the config space as at realization, INTx unmasked, then <see cref="OnReset"/>; the eventfds stay bound.</summary>
    public void Reset()
    {
        lock (SyncRoot)
        {
            Config.Restore(Realize());
            OnReset();
        }

        Interrupts.Intx.Unmask();
    }

    /// <summary>Migration, saving side: the config space, then <see cref="SaveState"/>'s bytes (under the lock).</summary>
    /// <param name="output">Where the bytes go.</param>
    public void Save(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (SyncRoot)
        {
            Realize();
            output.Write(Config.Bytes);
            SaveState(output);
        }
    }

    /// <summary>Migration, resuming side: checks the blob, lets <see cref="LoadState"/> check and take its part, then restores the config space; a refusal changes nothing.</summary>
    /// <param name="data">What <see cref="Save"/> wrote on the source.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a blob shorter than the config space, or the vendor's refusal.</exception>
    public void Load(ReadOnlySequence<byte> data)
    {
        if (data.Length < Config.Size)
        {
            throw new MdevException(Errno.EINVAL, $"migration: {data.Length} bytes are fewer than the {Config.Size}-byte config space");
        }

        var config = data.Slice(0, Config.Size).ToArray();
        lock (SyncRoot)
        {
            Realize();
            LoadState(data.Slice(Config.Size));
            Config.Restore(config);
        }
    }

    /// <summary>A reset's device part: put registers back as at creation. Runs under <see cref="SyncRoot"/>. The default does nothing.</summary>
    protected virtual void OnReset()
    {
    }

    /// <summary>Writes the vendor's state for migration (the config space is saved already). Runs under <see cref="SyncRoot"/>. The default writes nothing.</summary>
    /// <param name="output">Where the bytes go.</param>
    protected virtual void SaveState(IBufferWriter<byte> output)
    {
    }

    /// <summary>Checks and loads what <see cref="SaveState"/> wrote; throw (<c>EINVAL</c>) before changing anything to refuse. Runs under <see cref="SyncRoot"/>. The default accepts only nothing.</summary>
    /// <param name="data">The vendor's bytes.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when bytes are left over.</exception>
    protected virtual void LoadState(ReadOnlySequence<byte> data)
    {
        if (!data.IsEmpty)
        {
            throw new MdevException(Errno.EINVAL, $"migration: {data.Length} bytes of device state, but the device saves none");
        }
    }

    private bool Taken(uint bar) => (_upperHalves & (1u << (int)bar)) != 0;

    private (PciRegion? Region, long At, int Count) Locate(long offset, int length, VfioRegionFlags need)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(offset);
        long at = VfioRegionOffsets.PciOffsetInRegion(offset);
        if (index >= NumRegions)
        {
            throw new MdevException(Errno.EINVAL, $"access at 0x{offset:x}: region {index} is past the device's {NumRegions} regions");
        }

        if (index == VfioPciRegion.Config)
        {
            return at + length <= Config.Size
                ? (null, at, length)
                : throw new MdevException(Errno.EFAULT, $"config access 0x{at:x}+{length} is outside the {Config.Size}-byte config space");
        }

        var region = _regions[index];
        if (region is null || (region.Flags & need) == 0 || (ulong)at >= region.Size)
        {
            throw new MdevException(Errno.EINVAL, $"access at 0x{at:x} of region {index}: {(region is null ? "the region is empty" : (region.Flags & need) == 0 ? $"the region is not {need}" : $"past its end 0x{region.Size:x}")}");
        }

        ulong left = region.Size - (ulong)at;
        if ((ulong)length > left && Bounds == PciAccessBounds.Refuse)
        {
            throw new MdevException(Errno.EINVAL, $"access of {length} bytes at 0x{at:x} of region {index}: runs past its end 0x{region.Size:x}");
        }

        return (region, at, (int)Math.Min((ulong)length, left));
    }

    private void ThrowIfRealized(string what)
    {
        if (_initialConfig is not null)
        {
            throw new MdevException(Errno.EBUSY, $"{what}: declare regions before the device is first accessed");
        }
    }

    private byte[] Realize() => _initialConfig ??= Config.ToArray();
}
