using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Benchmarks;

/// <summary>A vendor with a BAR0 of 64 32-bit registers at file offset 0 (index 0 &lt;&lt; 40): what a UART or NIC model does on every access.</summary>
internal sealed class RegisterVendor : VfioParentOps
{
    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci")];

    public override int MaxInstances => 4;

    public override void Create(MdevDevice mdev) => mdev.DriverData = new uint[64];

    public override void Remove(MdevDevice mdev)
    {
    }

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Pci, 9, 5);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        var registers = (uint[])mdev.DriverData!;
        int index = (int)((offset & 0xff) >> 2);
        if (offset >> 40 != 0 || buffer.Length != 4)
        {
            throw new MdevException(Errno.EFAULT, "register read: BAR0, 4 bytes only");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(buffer, registers[index] + 1);
        return 4;
    }
}
