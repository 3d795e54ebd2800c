using System.Buffers.Binary;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.Mtty;

/// <summary>
/// mtty's 255-byte PCI config space: the catalog bytes in a <see cref="PciConfigSpace"/> used as plain storage, and
/// <c>handle_pci_cfg_write</c>'s rules, which dispatch on the exact start offset of a write (no write masks).
/// </summary>
internal sealed class MttyConfig
{
    private readonly PciConfigSpace _space = new(MttyCatalog.ConfigSpaceSize);
    private readonly int _nrPorts;

    public MttyConfig(int nrPorts)
    {
        _nrPorts = nrPorts;
        foreach (var (offset, bytes) in MttyCatalog.ConfigBytes(nrPorts))
        {
            _space.SetBytes(offset, bytes);
        }
    }

    /// <summary>A raw copy, like the guest's <c>memcpy</c>; bytes past 0xff (unchecked in C) read as 0.</summary>
    public void Read(long offset, Span<byte> destination)
    {
        destination.Clear();
        if (offset < _space.Size)
        {
            int n = (int)Math.Min(destination.Length, _space.Size - offset);
            _space.Read((int)offset, destination[..n]);
        }
    }

    /// <summary>A guest write; <paramref name="offset"/> is the 16-bit value mtty's handler receives.</summary>
    public void Write(ushort offset, ReadOnlySpan<byte> data)
    {
        switch (offset)
        {
            case 0x3c: // interrupt line
                _space.SetU8(0x3c, data[0]);
                break;
            case 0x10 or 0x14:
                WriteBar(offset, data);
                break;
            case 0x18 or 0x1c or 0x20: // BAR2..BAR4: not implemented, stay 0
                _space.SetU32(offset, 0);
                break;
            default: // 0x04 command, 0x06 status, 0x3d pin (hard-wired INTA#) and anything else: ignored
                break;
        }
    }

    /// <summary>BAR0/BAR1: all ones sizes the BAR (reads back 0xfffffff9), else the address with the old low two bits OR-ed in.</summary>
    private void WriteBar(ushort offset, ReadOnlySpan<byte> data)
    {
        if (offset == 0x14 && _nrPorts == 1)
        {
            _space.SetU32(offset, 0);
            return;
        }

        // mtty reads a u32 even from a 1- or 2-byte write; the bytes it would read past the chunk are taken as 0.
        Span<byte> value = stackalloc byte[4];
        data[..Math.Min(4, data.Length)].CopyTo(value);
        uint address = BinaryPrimitives.ReadUInt32LittleEndian(value);
        if (address == 0xffffffff)
        {
            address &= MttyCatalog.BarMask;
        }

        address |= (uint)(_space.ReadU8(offset) & 0x3);
        _space.SetU32(offset, address);
    }
}
