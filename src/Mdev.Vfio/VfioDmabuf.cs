using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A dma-buf a driver exports for a display plane (<c>VFIO_DEVICE_GET_GFX_DMABUF</c>): <see cref="Size"/> bytes that
/// the driver reads on demand (kvmgt's GEM proxy object reads the guest pages the plane's GGTT entries point at). In a
/// <see cref="VfioProcess"/> it is a descriptor: <c>mmap</c> gives the bytes; <c>read(2)</c> is <c>EINVAL</c>, as
/// <c>dma_buf_fops</c> has no read. Closing it (the last reference) calls the driver's release.
/// </summary>
/// <remarks>Thread-safe: the reader runs under the driver's own lock; <see cref="Dispose"/> runs the release once.</remarks>
public sealed class VfioDmabuf : IDisposable
{
    private readonly Action<long, Span<byte>> _read;
    private Action? _release;

    /// <summary>Creates a dma-buf.</summary>
    /// <param name="size">Its size in bytes (kvmgt: the plane's size rounded up to a page).</param>
    /// <param name="read">Fills the span with the bytes at the offset (always inside the buffer).</param>
    /// <param name="release">Runs once when the buffer is closed (kvmgt's <c>dmabuf_obj_put</c>); null for none.</param>
    public VfioDmabuf(long size, Action<long, Span<byte>> read, Action? release = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(read);
        Size = size;
        _read = read;
        _release = release;
    }

    /// <summary>The buffer's size in bytes (what <c>lseek(fd, 0, SEEK_END)</c> answers).</summary>
    public long Size { get; }

    /// <summary>Reads bytes of the buffer as a CPU mapping of it would see them now.</summary>
    /// <param name="offset">The offset in the buffer.</param>
    /// <param name="destination">Where the bytes go; it must fit in the buffer.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a range outside the buffer.</exception>
    public void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > Size || destination.Length > Size - offset)
        {
            throw new MdevException(Errno.EINVAL, $"dma-buf read at {offset} of {destination.Length} bytes: the buffer has {Size}");
        }

        _read(offset, destination);
    }

    /// <summary>
    /// <c>mmap</c> of the buffer (<c>dma_buf_mmap_internal</c>: a range past the end is <c>EINVAL</c>). The model's
    /// mapping is a copy taken now, where the kernel maps the guest pages themselves.
    /// </summary>
    /// <param name="offset">The offset, a multiple of the page size.</param>
    /// <param name="length">The length; rounded up to a page as mmap does.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unaligned offset, a zero length or a range past the buffer.</exception>
    public Memory<byte> Mmap(long offset, long length)
    {
        long rounded = (length + 4095) & ~4095L;
        if (offset < 0 || offset % 4096 != 0 || length <= 0 || offset + rounded > ((Size + 4095) & ~4095L))
        {
            throw new MdevException(Errno.EINVAL, $"mmap of a dma-buf at {offset} of {length} bytes: the buffer has {Size}");
        }

        var copy = new byte[rounded];
        long inside = Math.Min(rounded, Size - offset);
        _read(offset, copy.AsSpan(0, (int)inside));
        return copy;
    }

    /// <summary>Closes the buffer: the driver's release runs once.</summary>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
