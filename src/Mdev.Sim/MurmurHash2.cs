using System.Buffers.Binary;

namespace Mdev.Samples.Host;

/// <summary>
/// Austin Appleby's MurmurHash2 (32-bit, public domain), as systemd 252 uses it for libudev's filter hashes
/// (<c>string_hash32</c> in src/libsystemd/sd-device/device-monitor.c: the bytes of the string without its NUL, seed 0;
/// 4-byte blocks read in the machine's order, little-endian on x86-64).
/// </summary>
internal static class MurmurHash2
{
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>The hash of <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static uint Hash(ReadOnlySpan<byte> data, uint seed = 0)
    {
        uint h = seed ^ (uint)data.Length;
        while (data.Length >= 4)
        {
            uint k = BinaryPrimitives.ReadUInt32LittleEndian(data);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
            data = data[4..];
        }

        switch (data.Length)
        {
            case 3:
                h ^= (uint)data[2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[1] << 8;
                goto case 1;
            case 1:
                h ^= data[0];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return h;
    }
}
