namespace Mdev.Samples.I915Gvt;

/// <summary>
/// A range of graphics memory handed out in contiguous pieces, as <c>drm_mm</c> does for GVT-g: aperture slices from the
/// lowest hole that fits (<c>PIN_MAPPABLE</c>), hidden slices from the highest (<c>PIN_HIGH</c>). A piece may not fit
/// although enough memory is free in total (fragmentation).
/// </summary>
/// <remarks>Not thread-safe: <see cref="GvtResources"/> holds its lock.</remarks>
internal sealed class GmAllocator(ulong start, ulong end)
{
    private readonly List<(ulong Start, ulong Size)> _used = [];

    /// <summary>Takes <c>[at, at + size)</c> for good (the host's own share).</summary>
    public void Reserve(ulong at, ulong size) => Insert(at, size);

    /// <summary>Allocates <paramref name="size"/> bytes from the lowest or highest hole that holds them.</summary>
    /// <returns>The start, or null when no hole is large enough.</returns>
    public ulong? Allocate(ulong size, bool highest)
    {
        var holes = Holes();
        if (highest)
        {
            holes.Reverse();
        }

        foreach (var (holeStart, holeEnd) in holes)
        {
            if (holeEnd - holeStart >= size)
            {
                ulong at = highest ? holeEnd - size : holeStart;
                Insert(at, size);
                return at;
            }
        }

        return null;
    }

    /// <summary>Gives back the piece that starts at <paramref name="at"/>.</summary>
    public void Free(ulong at) => _used.RemoveAll(u => u.Start == at);

    private void Insert(ulong at, ulong size)
    {
        _used.Add((at, size));
        _used.Sort();
    }

    private List<(ulong Start, ulong End)> Holes()
    {
        var holes = new List<(ulong, ulong)>();
        ulong cursor = start;
        foreach (var (usedStart, usedSize) in _used)
        {
            if (usedStart > cursor)
            {
                holes.Add((cursor, usedStart));
            }

            cursor = Math.Max(cursor, usedStart + usedSize);
        }

        if (end > cursor)
        {
            holes.Add((cursor, end));
        }

        return holes;
    }
}
