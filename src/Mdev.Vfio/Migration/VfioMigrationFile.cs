using System.Buffers;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>A migration data stream behind a descriptor (the kernel's anon-inode data file): read from a saving one, write into a resuming one.</summary>
internal sealed class VfioMigrationFile(VfioMigrationData data) : IDisposable
{
    public int Read(Span<byte> buffer)
    {
        var reader = data.Reader ?? throw new MdevException(Errno.EINVAL, "read: a resuming stream is write-only");
        if (!reader.TryRead(out var result))
        {
            return 0;
        }

        var available = result.Buffer;
        int n = (int)Math.Min(buffer.Length, available.Length);
        available.Slice(0, n).CopyTo(buffer);
        reader.AdvanceTo(available.GetPosition(n));
        return n;
    }

    public int Write(ReadOnlySpan<byte> buffer)
    {
        var writer = data.Writer ?? throw new MdevException(Errno.EINVAL, "write: a saving stream is read-only");
        writer.Write(buffer);
        writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // the stream never pauses its writer
        return buffer.Length;
    }

    public void Dispose()
    {
        data.Writer?.Complete();
        data.Reader?.Complete();
    }
}
