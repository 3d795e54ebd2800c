using System.Buffers;
using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.Idio16;

/// <summary>
/// One ACCES PCI-IDIO-16 (a 16-channel digital input card), as libvfio-user's <c>samples/gpio-pci-idio-16.c</c>
/// emulates it: ids 494F:0DC8, an I/O BAR2 of 0x100 bytes whose byte 0 reads a counter that advances every third
/// read (<c>pin++ / 3</c>), other bytes read zero and writes are ignored; INTx (never raised); migration of the counter.
/// </summary>
public sealed class Idio16Device : PciDevice
{
    /// <summary>ACCES I/O Products' vendor id.</summary>
    public const ushort VendorId = 0x494F;

    /// <summary>The PCI-IDIO-16's device id.</summary>
    public const ushort DeviceId = 0x0DC8;

    /// <summary>BAR2's size.</summary>
    public const ulong Bar2Size = 0x100;

    private int _pin;

    /// <summary>A new card: counter 0.</summary>
    public Idio16Device()
        : base(new PciHeader(VendorId, DeviceId), new PciInterrupts(intx: true, msiVectors: 0))
    {
        MigrationFlags = VfioMigrationFlags.StopCopy;
        DefineBar(VfioPciRegion.Bar2, PciBarKind.Io, Bar2Size, ReadBar2, (_, _) => { });
    }

    /// <summary>The counter's 4 bytes follow the config space in the migration stream.</summary>
    /// <param name="output">Where the bytes go.</param>
    protected override void SaveState(IBufferWriter<byte> output)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), _pin);
        output.Advance(4);
    }

    /// <summary>Takes the counter back; anything but 4 bytes is refused.</summary>
    /// <param name="data">The bytes <see cref="SaveState"/> wrote.</param>
    protected override void LoadState(ReadOnlySequence<byte> data)
    {
        if (data.Length != 4)
        {
            throw new MdevException(Errno.EINVAL, $"idio-16 migration: {data.Length} bytes of state, expected 4");
        }

        Span<byte> bytes = stackalloc byte[4];
        data.CopyTo(bytes);
        _pin = BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    private void ReadBar2(long offset, Span<byte> data)
    {
        data.Clear();
        if (offset == 0)
        {
            data[0] = (byte)(_pin++ / 3);
        }
    }
}
