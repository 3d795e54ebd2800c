using System.Buffers.Binary;

namespace Mdev.Testing;

/// <summary>Builds and reads uapi structs as C lays them out on x86-64 (little endian), for tests that speak raw ioctls.</summary>
public static class UapiBytes
{
    /// <summary>Consecutive 32-bit fields.</summary>
    /// <param name="values">The fields.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Of(params uint[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), values[i]);
        }

        return b;
    }

    /// <summary>A zeroed struct of <paramref name="size"/> bytes starting with the given 32-bit fields (argsz first, usually).</summary>
    /// <param name="size">The buffer size.</param>
    /// <param name="prefix">The leading 32-bit fields.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Sized(int size, params uint[] prefix)
    {
        var b = new byte[size];
        Of(prefix).CopyTo(b, 0);
        return b;
    }

    /// <summary>Reads a 16-bit field.</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <returns>The value.</returns>
    public static ushort U16(byte[] b, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(offset));

    /// <summary>Reads a 32-bit field.</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <returns>The value.</returns>
    public static uint U32(byte[] b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset));

    /// <summary>Reads a signed 32-bit field (an fd).</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <returns>The value.</returns>
    public static int S32(byte[] b, int offset) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(offset));

    /// <summary>Reads a 64-bit field.</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <returns>The value.</returns>
    public static ulong U64(byte[] b, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(offset));

    /// <summary>Writes a 64-bit field.</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <param name="value">The value.</param>
    public static void Put(byte[] b, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(offset), value);

    /// <summary>Writes a 32-bit field.</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <param name="value">The value.</param>
    public static void Put(byte[] b, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);

    /// <summary>Writes a signed 32-bit field (an fd).</summary>
    /// <param name="b">The struct.</param>
    /// <param name="offset">The field's offset.</param>
    /// <param name="value">The value.</param>
    public static void Put(byte[] b, int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(offset), value);
}
