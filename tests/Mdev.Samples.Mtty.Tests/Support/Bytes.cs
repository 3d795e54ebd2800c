using System.Buffers.Binary;

namespace Mdev.Samples.Mtty.Tests.Support;

/// <summary>Builds and reads uapi structs as C lays them out on x86-64.</summary>
internal static class Bytes
{
    public static byte[] Of(params uint[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), values[i]);
        }

        return b;
    }

    public static byte[] Sized(int size, params uint[] prefix)
    {
        var b = new byte[size];
        Of(prefix).CopyTo(b, 0);
        return b;
    }

    public static uint U32(byte[] b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset));

    public static ulong U64(byte[] b, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(offset));

    public static int S32(byte[] b, int offset) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(offset));
}
