using System.Buffers.Binary;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// The byte layout of <c>include/uapi/linux/vfio.h</c> on x86-64 (little endian, natural alignment) and the argsz
/// protocol helpers shared by every ioctl.
/// </summary>
internal static class Uapi
{
    public const int GroupStatusSize = 8;
    public const int DeviceInfoMinSize = 16;
    public const int RegionInfoSize = 32;
    public const int IrqInfoSize = 16;
    public const int IrqSetHeaderSize = 20;
    public const int Type1InfoMinSize = 16;
    public const int Type1InfoSize = 24;
    public const int DmaMapSize = 32;
    public const int DmaUnmapSize = 24;
    public const int CapHeaderSize = 8;

    public static uint U32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);

    public static int S32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadInt32LittleEndian(b[offset..]);

    public static ulong U64(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(b[offset..]);

    public static void Put(Span<byte> b, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b[offset..], value);

    public static void Put(Span<byte> b, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(b[offset..], value);

    public static void Put(Span<byte> b, int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(b[offset..], value);

    /// <summary>
    /// The argsz rule in the kernel's order: <c>copy_from_user(minsz)</c> first (a buffer shorter than that is
    /// <c>EFAULT</c>), then <c>argsz &lt; minsz</c> is <c>EINVAL</c>. Only the bytes the kernel touches must exist: callers
    /// that write past <paramref name="minsz"/> check that with <see cref="RequireBuffer"/>.
    /// </summary>
    /// <returns>The caller's argsz.</returns>
    public static uint CheckArgsz(ReadOnlySpan<byte> argument, int minsz, string what)
    {
        if (argument.Length < minsz)
        {
            throw new MdevException(Errno.EFAULT, $"{what}: the argument buffer holds {argument.Length} of the {minsz} bytes copied in");
        }

        uint argsz = U32(argument, 0);
        if (argsz < minsz)
        {
            throw new MdevException(Errno.EINVAL, $"{what}: argsz {argsz} is below the minimum {minsz}");
        }

        return argsz;
    }

    /// <summary><c>EFAULT</c> unless the caller's buffer really holds <paramref name="length"/> bytes.</summary>
    public static void RequireBuffer(ReadOnlySpan<byte> argument, long length, string what)
    {
        if (argument.Length < length)
        {
            throw new MdevException(Errno.EFAULT, $"{what}: the argument buffer holds {argument.Length} of the {length} bytes used");
        }
    }

    /// <summary>8-byte padding of every capability (vfio_info_cap_add in kernels ≈6.6 and later).</summary>
    public static int Align8(int size) => (size + 7) & ~7;

    public static int ChainSize(IReadOnlyList<VfioRegionCapability> caps)
    {
        int size = 0;
        foreach (var cap in caps)
        {
            size += Align8(cap.Size);
        }

        return size;
    }

    /// <summary>
    /// Writes a capability chain at <paramref name="chainOffset"/> of the info buffer; every <c>next</c> is an offset
    /// from the start of the info buffer, the last is 0 (vfio_info_cap_shift).
    /// </summary>
    public static void WriteChain(Span<byte> info, int chainOffset, IReadOnlyList<VfioRegionCapability> caps)
    {
        int offset = chainOffset;
        for (int i = 0; i < caps.Count; i++)
        {
            var cap = caps[i];
            int size = Align8(cap.Size);
            var slot = info.Slice(offset, size);
            slot.Clear();
            Put(slot, 0, cap.Id);
            Put(slot, 2, cap.Version);
            Put(slot, 4, i == caps.Count - 1 ? 0u : (uint)(offset + size));
            cap.WriteBody(slot[CapHeaderSize..]);
            offset += size;
        }
    }
}
