using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// Device memory larger than the process should hold (a framebuffer of up to 24 GiB), backed in 2 MiB chunks that
/// exist only once touched. A memory window handed out for mmap is one chunk's memory, so it must stay inside one
/// chunk: <see cref="Mdev.Core.ParentOps.Mmap"/> returns one contiguous <see cref="Memory{T}"/>.
/// </summary>
/// <remarks>Not thread-safe: the device serialises access.</remarks>
internal sealed class SparseMemory(ulong size)
{
    public const int ChunkSize = 2 << 20;

    private readonly Dictionary<ulong, byte[]> _chunks = [];

    /// <summary>The size in bytes.</summary>
    public ulong Size => size;

    /// <summary>Copies <c>[at, at + destination.Length)</c> out; untouched memory reads as zero.</summary>
    public void Read(ulong at, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var (chunk, inChunk, n) = Locate(at, destination.Length);
            if (_chunks.TryGetValue(chunk, out var bytes))
            {
                bytes.AsSpan(inChunk, n).CopyTo(destination);
            }
            else
            {
                destination[..n].Clear();
            }

            at += (ulong)n;
            destination = destination[n..];
        }
    }

    /// <summary>Copies <paramref name="source"/> in at <paramref name="at"/>.</summary>
    public void Write(ulong at, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var (chunk, inChunk, n) = Locate(at, source.Length);
            source[..n].CopyTo(Chunk(chunk).AsSpan(inChunk));
            at += (ulong)n;
            source = source[n..];
        }
    }

    /// <summary>The memory behind <c>[at, at + length)</c>, for mmap.</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> when the window crosses a 2 MiB chunk.</exception>
    public Memory<byte> Window(ulong at, long length)
    {
        var (chunk, inChunk, n) = Locate(at, (int)Math.Min(length, ChunkSize));
        return n == length
            ? Chunk(chunk).AsMemory(inChunk, n)
            : throw new MdevException(Errno.EINVAL, $"mmap of 0x{length:x} bytes at 0x{at:x}: this sample backs device memory in 2 MiB chunks and maps at most one chunk at a time");
    }

    private static (ulong Chunk, int InChunk, int Length) Locate(ulong at, int length)
    {
        ulong chunk = at / ChunkSize;
        int inChunk = (int)(at % ChunkSize);
        return (chunk, inChunk, Math.Min(length, ChunkSize - inChunk));
    }

    private byte[] Chunk(ulong chunk)
    {
        if (!_chunks.TryGetValue(chunk, out var bytes))
        {
            bytes = new byte[ChunkSize];
            _chunks.Add(chunk, bytes);
        }

        return bytes;
    }
}
