using System.Buffers;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A migration data stream behind a descriptor (the kernel's anon-inode data file, opened <c>O_RDONLY</c> for saving
/// and <c>O_WRONLY</c> for resuming): read from a saving one, write into a resuming one, and
/// <c>VFIO_MIG_GET_PRECOPY_INFO</c> on a saving one (mtty's <c>mtty_save_fops</c> and <c>mtty_resume_fops</c>).
/// </summary>
internal sealed class VfioMigrationFile(VfioMigrationData data) : IDisposable
{
    /// <summary><c>struct vfio_precopy_info</c>: argsz, flags, initial_bytes, dirty_bytes.</summary>
    private const int PrecopyInfoSize = 24;

    /// <summary>
    /// <c>read(2)</c>: the VFS refuses a file not open for reading (<c>EBADF</c>, before the driver), then
    /// <c>mtty_save_read</c>: <c>ENODEV</c> once disabled, else what is there (0 when nothing is, yet or any more).
    /// </summary>
    public int Read(Span<byte> buffer)
    {
        var reader = data.Reader ?? throw new MdevException(Errno.EBADF, "read: a resuming migration stream is open write-only");
        lock (data.Gate)
        {
            if (data.IsDisabled)
            {
                throw new MdevException(Errno.ENODEV, "read: the migration stream was closed by a state change");
            }

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
    }

    /// <summary><c>write(2)</c>: <c>EBADF</c> on the read-only saving stream (VFS), <c>ENODEV</c> once disabled.</summary>
    public int Write(ReadOnlySpan<byte> buffer)
    {
        var writer = data.Writer ?? throw new MdevException(Errno.EBADF, "write: a saving migration stream is open read-only");
        lock (data.Gate)
        {
            if (data.IsDisabled)
            {
                throw new MdevException(Errno.ENODEV, "write: the migration stream was closed by a state change");
            }

            writer.Write(buffer);
            writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // the stream never pauses its writer
            return buffer.Length;
        }
    }

    /// <summary>
    /// <c>ioctl(2)</c>: the resuming file has no ioctl (<c>ENOTTY</c>); the saving file knows only
    /// <c>VFIO_MIG_GET_PRECOPY_INFO</c> (<c>mtty_precopy_ioctl</c>: argsz below 24 <c>EINVAL</c>, then the state checks).
    /// </summary>
    public long Ioctl(uint request, Span<byte> argument)
    {
        if (data.Reader is null || request != VfioIoctl.MigGetPrecopyInfo || data.Owner is not { } owner)
        {
            throw new MdevException(Errno.ENOTTY, $"ioctl 0x{request:x} on a migration stream: not supported");
        }

        Uapi.CheckArgsz(argument, PrecopyInfoSize, "precopy info");
        var (initial, dirty) = owner.PrecopyInfo(data);
        Uapi.Put(argument, 8, initial);
        Uapi.Put(argument, 16, dirty);
        return 0;
    }

    /// <summary>
    /// Closing the descriptor drops the caller's reference only: the driver keeps its own until the states end. A
    /// resuming stream ends its data here.
    /// </summary>
    public void Dispose() => data.Writer?.Complete();
}
