using System.Buffers.Binary;
using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// A PCI configuration space for a vendor driver to emulate: the bytes, a per-bit write mask (a guest write changes only
/// the bits the mask allows, as hardware does), BAR sizing for I/O and 32/64-bit memory BARs (writing all ones reads
/// back the size mask with the BAR's type bits), a capability-list builder, and little-endian accessors. Every
/// kernel sample hand-codes this; a vendor here declares it.
/// </summary>
/// <remarks>
/// Not thread-safe: every access must hold one lock. In a <see cref="PciDevice"/> that lock is
/// <see cref="PciDevice.SyncRoot"/>, which the device takes around every guest access it routes; code that touches the
/// config space from anywhere else (a timer, another thread) takes it too. A driver without <see cref="PciDevice"/>
/// serialises with its own device lock, as the kernel drivers do.
/// </remarks>
public sealed class PciConfigSpace
{
    /// <summary>Config offset of the vendor id.</summary>
    public const int VendorIdOffset = 0x00;

    /// <summary>Config offset of the command register.</summary>
    public const int CommandOffset = 0x04;

    /// <summary>Config offset of the status register.</summary>
    public const int StatusOffset = 0x06;

    /// <summary>Config offset of BAR0.</summary>
    public const int Bar0Offset = 0x10;

    /// <summary>Config offset of the capabilities pointer.</summary>
    public const int CapabilityPointerOffset = 0x34;

    /// <summary>Status bit: a capability list is present.</summary>
    public const ushort StatusCapList = 0x0010;

    private readonly byte[] _bytes;
    private readonly byte[] _writeMask;
    private int _nextCapability = 0x40;
    private int _lastCapability;

    /// <summary>Creates an all-zero, read-only config space.</summary>
    /// <param name="size">256 for conventional PCI, 4096 for PCI Express, or what the device reports (mtty: 255).</param>
    public PciConfigSpace(int size = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 4096);
        _bytes = new byte[size];
        _writeMask = new byte[size];
    }

    /// <summary>The size in bytes.</summary>
    public int Size => _bytes.Length;

    /// <summary>The raw bytes (what a guest read returns).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Reads a byte.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public byte ReadU8(int offset) => _bytes[Check(offset, 1)];

    /// <summary>Reads a little-endian 16-bit value.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public ushort ReadU16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(Check(offset, 2)));

    /// <summary>Reads a little-endian 32-bit value.</summary>
    /// <param name="offset">The config offset.</param>
    /// <returns>The value.</returns>
    public uint ReadU32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(Check(offset, 4)));

    /// <summary>Device side: sets a byte, ignoring the write mask.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The value.</param>
    public void SetU8(int offset, byte value) => _bytes[Check(offset, 1)] = value;

    /// <summary>Device side: sets a 16-bit value, ignoring the write mask.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The value.</param>
    public void SetU16(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(Check(offset, 2)), value);

    /// <summary>Device side: sets a 32-bit value, ignoring the write mask.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The value.</param>
    public void SetU32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(Check(offset, 4)), value);

    /// <summary>Device side: sets bytes, ignoring the write mask.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="value">The bytes.</param>
    public void SetBytes(int offset, ReadOnlySpan<byte> value) => value.CopyTo(_bytes.AsSpan(Check(offset, value.Length)));

    /// <summary>Device side: which bits of <c>[offset, offset + mask.Length)</c> a guest may change.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="mask">One mask byte per config byte.</param>
    public void SetWriteMask(int offset, ReadOnlySpan<byte> mask) => mask.CopyTo(_writeMask.AsSpan(Check(offset, mask.Length)));

    /// <summary>Sets the standard header ids.</summary>
    /// <param name="vendorId">The vendor id.</param>
    /// <param name="deviceId">The device id.</param>
    /// <param name="classCode">The 24-bit class code (class, subclass, prog-if).</param>
    /// <param name="revision">The revision.</param>
    /// <param name="subsystemVendorId">The subsystem vendor id.</param>
    /// <param name="subsystemId">The subsystem id.</param>
    public void SetIds(ushort vendorId, ushort deviceId, uint classCode, byte revision = 0, ushort subsystemVendorId = 0, ushort subsystemId = 0)
    {
        SetU16(0x00, vendorId);
        SetU16(0x02, deviceId);
        SetU8(0x08, revision);
        SetU8(0x09, (byte)classCode);
        SetU8(0x0a, (byte)(classCode >> 8));
        SetU8(0x0b, (byte)(classCode >> 16));
        SetU16(0x2c, subsystemVendorId);
        SetU16(0x2e, subsystemId);
    }

    /// <summary>
    /// Declares BAR <paramref name="index"/>: its type bits, and a write mask that keeps them and lets the guest set only
    /// the address bits above the size, so the classic sizing (write all ones, read back) reports the size.
    /// </summary>
    /// <param name="index">0..5 (a 64-bit BAR also uses index + 1).</param>
    /// <param name="kind">I/O, 32-bit or 64-bit memory.</param>
    /// <param name="size">A power of two: at least 4 for I/O, 16 for memory.</param>
    /// <param name="prefetchable">Memory BARs: the prefetchable bit.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad index, size or overlap with a 64-bit BAR's upper half.</exception>
    public void DefineBar(int index, PciBarKind kind, ulong size, bool prefetchable = false)
    {
        int last = kind == PciBarKind.Memory64 ? index + 1 : index;
        if (index < 0 || last > 5 || size == 0 || (size & (size - 1)) != 0 || size < (kind == PciBarKind.Io ? 4UL : 16UL)
            || (kind == PciBarKind.Io && size > 0x1_0000_0000UL) || (kind == PciBarKind.Memory32 && size > 0x8000_0000UL))
        {
            throw new MdevException(Errno.EINVAL, $"BAR{index}: {kind} of size 0x{size:x} is not a valid BAR");
        }

        int at = Bar0Offset + (4 * index);
        uint flags = kind switch
        {
            PciBarKind.Io => 0x1u,
            PciBarKind.Memory32 => prefetchable ? 0x8u : 0x0u,
            _ => prefetchable ? 0xCu : 0x4u,
        };
        ulong mask = ~(size - 1) & (kind == PciBarKind.Io ? 0xFFFF_FFFF_FFFF_FFFCUL : 0xFFFF_FFFF_FFFF_FFF0UL);
        SetU32(at, flags);
        Span<byte> m = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(m, mask);
        SetWriteMask(at, m[..4]);
        if (kind == PciBarKind.Memory64)
        {
            SetU32(at + 4, 0);
            SetWriteMask(at + 4, m[4..]);
        }
    }

    /// <summary>
    /// Appends a capability to the list (from 0x40, dword-aligned): sets its id and a next pointer, links the previous
    /// one (or the capabilities pointer) to it, and sets the status register's capability-list bit.
    /// </summary>
    /// <param name="id">The capability id (0x05 MSI, 0x09 vendor-specific, 0x10 PCI Express, ...).</param>
    /// <param name="body">The bytes after the id and next pointer.</param>
    /// <param name="writeMask">A write mask for the body, or empty for read-only.</param>
    /// <returns>The capability's config offset.</returns>
    /// <exception cref="MdevException"><c>ENOSPC</c> when it does not fit in the first 256 bytes.</exception>
    public int AddCapability(byte id, ReadOnlySpan<byte> body, ReadOnlySpan<byte> writeMask = default)
    {
        int at = _nextCapability;
        int length = 2 + body.Length;
        if (at + length > Math.Min(Size, 256))
        {
            throw new MdevException(Errno.ENOSPC, $"capability 0x{id:x2}: {length} bytes do not fit at 0x{at:x}");
        }

        SetU8(at, id);
        SetU8(at + 1, 0);
        SetBytes(at + 2, body);
        if (!writeMask.IsEmpty)
        {
            SetWriteMask(at + 2, writeMask);
        }

        if (_lastCapability == 0)
        {
            SetU8(CapabilityPointerOffset, (byte)at);
        }
        else
        {
            SetU8(_lastCapability + 1, (byte)at);
        }

        SetU16(StatusOffset, (ushort)(ReadU16(StatusOffset) | StatusCapList));
        _lastCapability = at;
        _nextCapability = (at + length + 3) & ~3;
        return at;
    }

    /// <summary>
    /// A guest write: each byte changes only where the write mask allows, so BARs size themselves and read-only
    /// registers stay. Writes past the end are refused.
    /// </summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="data">The bytes written.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for an access past the end.</exception>
    public void Write(int offset, ReadOnlySpan<byte> data)
    {
        int at = Check(offset, data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            byte mask = _writeMask[at + i];
            _bytes[at + i] = (byte)((_bytes[at + i] & ~mask) | (data[i] & mask));
        }
    }

    /// <summary>A guest read into <paramref name="destination"/>.</summary>
    /// <param name="offset">The config offset.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for an access past the end.</exception>
    public void Read(int offset, Span<byte> destination) => _bytes.AsSpan(Check(offset, destination.Length), destination.Length).CopyTo(destination);

    /// <summary>Copies the whole space (for migration or snapshots).</summary>
    /// <returns>A copy of the bytes.</returns>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>Restores the bytes from a snapshot of the same size (the write mask is unchanged).</summary>
    /// <param name="snapshot">The bytes.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when the size differs.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length != _bytes.Length)
        {
            throw new MdevException(Errno.EINVAL, $"config restore: {snapshot.Length} bytes for a {_bytes.Length}-byte space");
        }

        snapshot.CopyTo(_bytes);
    }

    private int Check(int offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > _bytes.Length)
        {
            throw new MdevException(Errno.EINVAL, $"config access 0x{offset:x}+{length} is outside the {_bytes.Length}-byte space");
        }

        return offset;
    }
}
