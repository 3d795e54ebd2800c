using System.Buffers;
using System.Buffers.Binary;
using Mdev.Core;

namespace Mdev.Samples.Mtty;

/// <summary>
/// mtty's migration state, <c>struct mtty_data</c> as x86-64 lays it out (little-endian, natural alignment): a 24-byte
/// header, then <c>struct serial_port</c> (36 bytes) for each of the device's ports. Config space and interrupt state
/// are not part of it.
/// </summary>
/// <remarks>
/// <code>
/// header  0 u64 magic 0x7e9d09898c3e2c4e   8 u32 major_ver 1   12 u32 minor_ver 0   16 u32 nr_ports   20 u32 flags 0
/// port    0 u8 uart_reg[8]   8 u8 fifo[16]   24 head   25 tail   26 count   27 dlab   28 overrun   29 pad
///        30 u16 divisor   32 fcr   33 max_fifo_size   34 intr_trigger_level   35 pad
/// </code>
/// </remarks>
internal static class MttyMigrationBlob
{
    public const ulong Magic = 0x7e9d09898c3e2c4e;
    public const uint MajorVersion = 1;
    public const uint MinorVersion = 0;
    public const int HeaderSize = 24; // offsetof(struct mtty_data, ports)
    public const int PortSize = 36;   // sizeof(struct serial_port)

    /// <summary><c>mtty_data_size</c>: 60 bytes for one port, 96 for two.</summary>
    public static int Size(int nrPorts) => HeaderSize + (nrPorts * PortSize);

    public static void WriteHeader(IBufferWriter<byte> output, int nrPorts)
    {
        var header = output.GetSpan(HeaderSize)[..HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MajorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)nrPorts);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 0);
        output.Advance(HeaderSize);
    }

    public static void WritePort(IBufferWriter<byte> output, SerialPort port)
    {
        var bytes = output.GetSpan(PortSize)[..PortSize];
        bytes.Clear();
        port.Registers.CopyTo(bytes);
        port.Fifo.CopyTo(bytes[8..]);
        bytes[24] = port.Head;
        bytes[25] = port.Tail;
        bytes[26] = port.Count;
        bytes[27] = port.Dlab ? (byte)1 : (byte)0;
        bytes[28] = port.Overrun ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[30..], port.Divisor);
        bytes[32] = port.Fcr;
        bytes[33] = port.MaxFifoSize;
        bytes[34] = port.TriggerLevel;
        output.Advance(PortSize);
    }

    /// <summary>
    /// Checks a received stream as mtty does (its write checks, then <c>mtty_load_state</c>) and loads the ports. A refusal
    /// changes nothing: <c>ENOMEM</c> for more bytes than <c>mtty_data_size</c>, <c>EFAULT</c> for a bad header (magic,
    /// version, flags, or another number of ports), <c>EINVAL</c> for a truncated stream.
    /// </summary>
    public static void Load(ReadOnlySequence<byte> data, IReadOnlyList<SerialPort> ports, int nrPorts, string device)
    {
        int size = Size(nrPorts);
        if (data.Length > size)
        {
            throw new MdevException(Errno.ENOMEM, $"resume {device}: {data.Length} bytes written, mtty_data for {nrPorts} port(s) is {size}");
        }

        var blob = data.ToArray();
        if (blob.Length >= HeaderSize)
        {
            var header = blob.AsSpan(0, HeaderSize);
            ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint major = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), minor = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            uint portCount = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]), flags = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            if (magic != Magic || flags != 0 || major != MajorVersion || minor != MinorVersion || portCount != nrPorts)
            {
                throw new MdevException(
                    Errno.EFAULT,
                    $"resume {device}: header magic 0x{magic:x} version {major}.{minor} flags 0x{flags:x} ports {portCount} is not mtty's 0x{Magic:x} {MajorVersion}.{MinorVersion}, flags 0, {nrPorts} port(s)");
            }
        }

        if (blob.Length < size)
        {
            throw new MdevException(Errno.EINVAL, $"resume {device}: {blob.Length} bytes written, mtty_data for {nrPorts} port(s) needs {size}");
        }

        for (int i = 0; i < nrPorts; i++)
        {
            ReadPort(blob.AsSpan(HeaderSize + (i * PortSize), PortSize), ports[i]);
        }
    }

    private static void ReadPort(ReadOnlySpan<byte> bytes, SerialPort port)
    {
        bytes[..8].CopyTo(port.Registers);
        bytes[8..24].CopyTo(port.Fifo);
        port.Head = bytes[24];
        port.Tail = bytes[25];
        port.Count = bytes[26];
        port.Dlab = bytes[27] != 0;
        port.Overrun = bytes[28] != 0;
        port.Divisor = BinaryPrimitives.ReadUInt16LittleEndian(bytes[30..]);
        port.Fcr = bytes[32];
        port.MaxFifoSize = bytes[33];
        port.TriggerLevel = bytes[34];
    }
}
