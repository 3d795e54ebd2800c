using System.Buffers.Binary;
using System.Numerics;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// One vGPU as its guest sees it through VFIO. NVIDIA's device model is closed, so this is a plausible PCI GPU, not
/// theirs: config space from <see cref="VgpuPciHeader"/>; BAR0 (region 0) 16 MiB of 32-bit registers, naturally aligned
/// 1/2/4-byte accesses, register 0 the read-only BOOT_0 chip id, register <see cref="Doorbell"/> (this sample's) raising
/// the vGPU's interrupt; BAR1 (region 1) the framebuffer, the BAR rounded up to a power of two, one sparse-mmap area
/// covering exactly the framebuffer (the tail reads as zero and ignores writes); INTx and one MSI vector.
/// </summary>
/// <remarks>Thread-safe: one lock per vGPU serialises its emulation.</remarks>
internal sealed class VgpuDevice
{
    public const uint Bar0Index = 0;
    public const uint Bar1Index = 1;
    public const uint ConfigIndex = 7;
    public const uint NumRegions = 9;
    public const uint NumIrqs = 5;
    public const int Boot0 = 0x0;
    public const int Doorbell = 0x1000;

    private readonly Lock _lock = new();
    private readonly GpuBoard _board;
    private readonly PciConfigSpace _config;
    private readonly byte[] _initialConfig;
    private readonly int _msiCapability;
    private readonly Dictionary<long, uint> _registers = [];
    private readonly SparseMemory _framebuffer;

    public VgpuDevice(GpuBoard board, VgpuProfile profile)
    {
        _board = board;
        Profile = profile;
        Bar1Size = BitOperations.RoundUpToPowerOf2(profile.FramebufferBytes);
        _config = VgpuPciHeader.Build(board, Bar1Size, out _msiCapability);
        _initialConfig = _config.ToArray();
        _framebuffer = new SparseMemory(profile.FramebufferBytes);
    }

    public VgpuProfile Profile { get; }

    public ulong Bar1Size { get; }

    public IntxInterrupt Intx { get; } = new();

    public MsiInterrupt Msi { get; } = new();

    /// <summary>The stored <c>vgpu_params</c> (a reference swap, so no lock is needed).</summary>
    public VgpuParams Params { get; set; } = VgpuParams.None;

    public VfioRegionInfo RegionInfo(uint index) => index switch
    {
        Bar0Index => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write, VgpuPciHeader.Bar0Size, Offset(index)),
        Bar1Index => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap, Bar1Size, Offset(index),
            [new VfioSparseMmapCapability([new(0, Profile.FramebufferBytes)])]),
        ConfigIndex => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write, VgpuPciHeader.Size, Offset(index)),
        < NumRegions => new(index, VfioRegionFlags.None, 0, Offset(index)),
        _ => throw new MdevException(Errno.EINVAL, $"region info {index}: a vGPU has regions 0..{NumRegions - 1}"),
    };

    public static VfioIrqInfo IrqInfo(uint index) => index switch
    {
        0 => new(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1),
        1 => new(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1),
        < NumIrqs => new(index, VfioIrqInfoFlags.None, 0),
        _ => throw new MdevException(Errno.EINVAL, $"irq info {index}: a vGPU has IRQ indexes 0..{NumIrqs - 1}"),
    };

    /// <summary>SET_IRQS after the common checks: INTx bind/mask/unmask/loop-back, MSI bind/loop-back; anything else <c>ENOTTY</c>.</summary>
    public void SetIrqs(VfioIrqSet request)
    {
        bool fires = request.DataType == VfioIrqSetFlags.DataNone || (request.Bools.Count > 0 && request.Bools[0]);
        switch ((request.Index, request.Action, request.DataType))
        {
            case (0, VfioIrqSetFlags.ActionTrigger, VfioIrqSetFlags.DataEventFd):
                Intx.Bind(request.EventFds[0]);
                break;
            case (1, VfioIrqSetFlags.ActionTrigger, VfioIrqSetFlags.DataEventFd):
                Msi.Bind(request.EventFds[0]);
                break;
            case (0, VfioIrqSetFlags.ActionTrigger, VfioIrqSetFlags.DataNone) when request.Count == 0:
                Intx.Bind(null);
                break;
            case (1, VfioIrqSetFlags.ActionTrigger, VfioIrqSetFlags.DataNone) when request.Count == 0:
                Msi.Bind(null);
                break;
            case (0, VfioIrqSetFlags.ActionTrigger, _) when fires:
                Intx.Raise();
                break;
            case (1, VfioIrqSetFlags.ActionTrigger, _) when fires:
                Msi.Raise();
                break;
            case (0, VfioIrqSetFlags.ActionMask, _) when fires:
                Intx.Mask();
                break;
            case (0, VfioIrqSetFlags.ActionUnmask, _) when fires:
                Intx.Unmask();
                break;
            case (0, VfioIrqSetFlags.ActionTrigger or VfioIrqSetFlags.ActionMask or VfioIrqSetFlags.ActionUnmask, VfioIrqSetFlags.DataBool):
            case (1, VfioIrqSetFlags.ActionTrigger, VfioIrqSetFlags.DataBool):
                break; // a false bool does nothing
            default:
                throw new MdevException(Errno.ENOTTY, $"set irqs: {request.Action} with {request.DataType} on index {request.Index} is not supported by a vGPU");
        }
    }

    public int Read(Span<byte> buffer, long offset)
    {
        var (index, at) = Locate(offset, buffer.Length);
        lock (_lock)
        {
            switch (index)
            {
                case ConfigIndex:
                    _config.Read((int)at, buffer);
                    break;
                case Bar0Index:
                    CheckRegisterAccess(at, buffer.Length);
                    Span<byte> dword = stackalloc byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(dword, Register(at & ~3L));
                    dword.Slice((int)(at & 3), buffer.Length).CopyTo(buffer);
                    break;
                default:
                    int inFramebuffer = FramebufferPart(at, buffer.Length);
                    _framebuffer.Read((ulong)at, buffer[..inFramebuffer]);
                    buffer[inFramebuffer..].Clear();
                    break;
            }
        }

        return buffer.Length;
    }

    public int Write(ReadOnlySpan<byte> buffer, long offset)
    {
        var (index, at) = Locate(offset, buffer.Length);
        lock (_lock)
        {
            switch (index)
            {
                case ConfigIndex:
                    _config.Write((int)at, buffer);
                    break;
                case Bar0Index:
                    CheckRegisterAccess(at, buffer.Length);
                    WriteRegister(at, buffer);
                    break;
                default:
                    _framebuffer.Write((ulong)at, buffer[..FramebufferPart(at, buffer.Length)]);
                    break;
            }
        }

        return buffer.Length;
    }

    /// <summary>The memory behind a window of the framebuffer (the device file has checked it lies in the sparse area).</summary>
    public Memory<byte> Mmap(long offset, long length)
    {
        var (index, at) = (VfioRegionOffsets.PciOffsetToIndex(offset), VfioRegionOffsets.PciOffsetInRegion(offset));
        if (index != Bar1Index || (ulong)at + (ulong)length > Profile.FramebufferBytes)
        {
            throw new MdevException(Errno.EINVAL, $"mmap at 0x{offset:x}: only the framebuffer (region 1) maps");
        }

        lock (_lock)
        {
            return _framebuffer.Window((ulong)at, length);
        }
    }

    /// <summary>Function reset: config space and registers as at creation, INTx unmasked; framebuffer, eventfds and parameters stay.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _config.Restore(_initialConfig);
            _registers.Clear();
        }

        Intx.Unmask();
    }

    private static ulong Offset(uint index) => (ulong)VfioRegionOffsets.PciIndexToOffset(index);

    private static void CheckRegisterAccess(long at, int length)
    {
        if (length is not (1 or 2 or 4) || at % length != 0)
        {
            throw new MdevException(Errno.EINVAL, $"BAR0 access of {length} bytes at 0x{at:x}: registers take naturally aligned 1, 2 or 4-byte accesses");
        }
    }

    /// <summary>Splits a file offset into region index and offset, checking the access lies inside a region that has data.</summary>
    private (uint Index, long At) Locate(long offset, int length)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(offset);
        long at = VfioRegionOffsets.PciOffsetInRegion(offset);
        ulong size = index < NumRegions ? RegionInfo(index).Size : 0;
        return (ulong)at + (ulong)length <= size && size > 0
            ? (index, at)
            : throw new MdevException(Errno.EINVAL, $"access of {length} bytes at 0x{offset:x}: outside region {index} (size 0x{size:x})");
    }

    private int FramebufferPart(long at, int length) => (int)Math.Min((ulong)length, Profile.FramebufferBytes - Math.Min((ulong)at, Profile.FramebufferBytes));

    private uint Register(long dword) => dword == Boot0 ? _board.Boot0 : _registers.GetValueOrDefault(dword);

    private void WriteRegister(long at, ReadOnlySpan<byte> data)
    {
        long dword = at & ~3L;
        if (dword == Boot0)
        {
            return; // read-only
        }

        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Register(dword));
        data.CopyTo(bytes[(int)(at & 3)..]);
        _registers[dword] = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (dword == Doorbell)
        {
            RaiseInterrupt();
        }
    }

    /// <summary>The guest's choice: MSI when it enabled MSI, else INTx unless it disabled INTx in the command register.</summary>
    private void RaiseInterrupt()
    {
        if (VgpuPciHeader.MsiEnabled(_config, _msiCapability))
        {
            Msi.Raise();
        }
        else if (!VgpuPciHeader.IntxDisabled(_config))
        {
            Intx.Raise();
        }
    }
}
