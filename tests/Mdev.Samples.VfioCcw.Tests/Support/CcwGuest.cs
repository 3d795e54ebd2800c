using System.Buffers.Binary;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw.Tests.Support;

/// <summary>The guest side of vfio-ccw: CCWs in guest memory, I/O region requests, IRBs, as QEMU builds and reads them.</summary>
internal static class CcwGuest
{
    public const uint OrbFormat1 = 0x0080_0000;
    public const uint OrbPrefetch = 0x0040_0000;
    public const uint OrbTransportMode = 0x0004_0000;
    public const uint OrbC64 = 0x0002_0000;
    public const uint FctlStart = 0x4000, FctlHalt = 0x2000, FctlClear = 0x1000;
    public const long AsyncRegion = 0x400, SchibRegion = 0x800, CrwRegion = 0xC00;

    public static void PutCcw(VmmSession session, uint address, byte command, byte flags, ushort count, uint cda)
    {
        var b = session.GuestMemory.Span.Slice((int)address, 8);
        b[0] = command;
        b[1] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], count);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], cda);
    }

    /// <summary>ORB and SCSW areas (24 bytes) asking for a start of the program at <paramref name="cpa"/>.</summary>
    public static byte[] Start(uint cpa, uint orbFlags = OrbFormat1 | OrbPrefetch, uint fctl = FctlStart, uint intparm = 0xCAFE)
    {
        var b = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(b, intparm);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), orbFlags);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), cpa);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), fctl);
        return b;
    }

    public static int Request(VfioDevice device, byte[] request) => device.Write(request, 0);

    public static int RetCode(VfioDevice device)
    {
        var b = new byte[4];
        device.Read(b, 120);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    public static (uint Word0, uint Cpa, byte DeviceStatus, byte SubchannelStatus, ushort Count) Irb(VfioDevice device)
    {
        var b = new byte[96];
        device.Read(b, 24).Should().Be(96);
        var word2 = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(8));
        return (BinaryPrimitives.ReadUInt32BigEndian(b), BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4)), (byte)(word2 >> 24), (byte)(word2 >> 16), (ushort)word2);
    }

    public static int Async(VfioDevice device, uint command)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(b, command);
        return device.Write(b, AsyncRegion);
    }

    public static int AsyncRetCode(VfioDevice device)
    {
        var b = new byte[8];
        device.Read(b, AsyncRegion);
        return BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(4));
    }

    public static Task<ulong> WaitAsync(EventFd eventFd) => VmmSession.WaitForIrqAsync(eventFd, TimeSpan.FromSeconds(10));
}
