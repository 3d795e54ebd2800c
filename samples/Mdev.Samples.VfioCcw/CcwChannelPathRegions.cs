using System.Buffers.Binary;
using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>The SCHIB (index 2) and CRW (index 3) regions (<c>vfio_ccw_chp.c</c>): read-only, writes are <c>EINVAL</c>.</summary>
internal static class CcwChannelPathRegions
{
    /// <summary>Reads the SCHIB: a fresh STORE SUBCHANNEL (<c>ENODEV</c> when the subchannel is gone).</summary>
    public static int ReadSchib(CcwPrivate p, Span<byte> buffer, int pos)
    {
        CheckRange(p, "SCHIB", pos, buffer.Length, CcwLayout.SchibRegionSize);
        lock (p.IoLock)
        {
            var schib = p.Subchannel.Store(CcwCatalog.Isc)
                ?? throw new MdevException(Errno.ENODEV, $"SCHIB region of subchannel {p.Subchannel.Id}: STORE SUBCHANNEL found no subchannel");
            schib.AsSpan(pos, buffer.Length).CopyTo(buffer);
        }

        return buffer.Length;
    }

    /// <summary>Reads the CRW region: dequeues one CRW (zero when none; big-endian), and signals the CRW eventfd again while more are queued.</summary>
    public static int ReadCrw(CcwPrivate p, Span<byte> buffer, int pos)
    {
        CheckRange(p, "CRW", pos, buffer.Length, CcwLayout.CrwRegionSize);
        lock (p.IoLock)
        {
            var (crw, more) = p.DequeueCrw();
            Span<byte> region = stackalloc byte[CcwLayout.CrwRegionSize];
            region.Clear();
            BinaryPrimitives.WriteUInt32BigEndian(region, crw);
            region.Slice(pos, buffer.Length).CopyTo(buffer);
            if (more)
            {
                p.Signal(CcwLayout.CrwIrq);
            }
        }

        return buffer.Length;
    }

    /// <summary>Both regions refuse writes.</summary>
    public static int Write(CcwPrivate p, string region) =>
        throw new MdevException(Errno.EINVAL, $"{region} region of subchannel {p.Subchannel.Id} is read-only");

    private static void CheckRange(CcwPrivate p, string region, int pos, int count, int size)
    {
        if (pos + count > size)
        {
            throw new MdevException(Errno.EINVAL, $"{region} region of subchannel {p.Subchannel.Id}: {count} bytes at {pos} pass its {size}");
        }
    }
}
