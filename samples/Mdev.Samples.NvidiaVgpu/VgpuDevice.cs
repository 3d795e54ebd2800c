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
/// covering exactly the framebuffer (the tail reads as zero and ignores writes); INTx and one MSI vector, both
/// bindable at once (its own SET_IRQS rules, not vfio-pci's one-mode-at-a-time). Accesses crossing a region's end are
/// refused, as mdev drivers do.
/// </summary>
/// <remarks>Thread-safe: <see cref="PciDevice.SyncRoot"/> serialises its emulation (PciDevice takes it around every access).</remarks>
internal sealed class VgpuDevice : PciDevice
{
    public const uint NumIrqs = 5;
    public const int Boot0 = 0x0;
    public const int Doorbell = 0x1000;

    private readonly GpuBoard _board;
    private readonly int _msiCapability;
    private readonly Dictionary<long, uint> _registers = [];
    private readonly SparseMemory _framebuffer;

    public VgpuDevice(GpuBoard board, VgpuProfile profile)
        : base(VgpuPciHeader.For(board))
    {
        _board = board;
        Profile = profile;
        Bounds = PciAccessBounds.Refuse;
        _framebuffer = new SparseMemory(profile.FramebufferBytes);
        DefineBar(VfioPciRegion.Bar0, PciBarKind.Memory32, VgpuPciHeader.Bar0Size, ReadRegisters, WriteRegisters);
        DefineBar(VfioPciRegion.Bar1, PciBarKind.Memory64, BitOperations.RoundUpToPowerOf2(profile.FramebufferBytes), ReadFramebuffer, WriteFramebuffer,
            prefetchable: true, mmap: MapFramebuffer, capabilities: [new VfioSparseMmapCapability([new(0, profile.FramebufferBytes)])]);
        _msiCapability = VgpuPciHeader.AddMsi(Config);
    }

    public VgpuProfile Profile { get; }

    public IntxInterrupt Intx => Interrupts.Intx;

    public MsiInterrupt Msi => Interrupts.Msi;

    /// <summary>The stored <c>vgpu_params</c> (a reference swap, so no lock is needed).</summary>
    public VgpuParams Params { get; set; } = VgpuParams.None;

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

    /// <summary>Function reset's device part: registers as at creation (PciDevice restores the config space and unmasks INTx); framebuffer, eventfds and parameters stay.</summary>
    protected override void OnReset() => _registers.Clear();

    private static void CheckRegisterAccess(long at, int length)
    {
        if (length is not (1 or 2 or 4) || at % length != 0)
        {
            throw new MdevException(Errno.EINVAL, $"BAR0 access of {length} bytes at 0x{at:x}: registers take naturally aligned 1, 2 or 4-byte accesses");
        }
    }

    private void ReadRegisters(long at, Span<byte> buffer)
    {
        CheckRegisterAccess(at, buffer.Length);
        Span<byte> dword = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(dword, Register(at & ~3L));
        dword.Slice((int)(at & 3), buffer.Length).CopyTo(buffer);
    }

    private void WriteRegisters(long at, ReadOnlySpan<byte> buffer)
    {
        CheckRegisterAccess(at, buffer.Length);
        WriteRegister(at, buffer);
    }

    private void ReadFramebuffer(long at, Span<byte> buffer)
    {
        int inFramebuffer = FramebufferPart(at, buffer.Length);
        _framebuffer.Read((ulong)at, buffer[..inFramebuffer]);
        buffer[inFramebuffer..].Clear();
    }

    private void WriteFramebuffer(long at, ReadOnlySpan<byte> buffer) => _framebuffer.Write((ulong)at, buffer[..FramebufferPart(at, buffer.Length)]);

    /// <summary>The memory behind a window of the framebuffer (the device file has checked it lies in the sparse area).</summary>
    private Memory<byte> MapFramebuffer(long at, long length) =>
        (ulong)at + (ulong)length <= Profile.FramebufferBytes
            ? _framebuffer.Window((ulong)at, length)
            : throw new MdevException(Errno.EINVAL, $"mmap of 0x{length:x} bytes at 0x{at:x} of region 1: only the framebuffer maps");

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
        if (VgpuPciHeader.MsiEnabled(Config, _msiCapability))
        {
            Msi.Raise();
        }
        else if (!VgpuPciHeader.IntxDisabled(Config))
        {
            Intx.Raise();
        }
    }
}
