using System.IO.Pipelines;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// The data stream an arc opens (<c>data_fd</c> of <c>vfio_device_feature_mig_state</c>): entering STOP_COPY or
/// PRE_COPY gives a <see cref="Reader"/> with the device's state, complete when all of it is there; entering RESUMING
/// gives a <see cref="Writer"/> into which the state is written (complete it when done). End of data is the end of the
/// stream. A pre-copy stream stays the saving stream on PRE_COPY_P2P → STOP_COPY: that arc hands out no new stream
/// (<c>data_fd = -1</c>) and the stop-copy data follows on this one (mtty's <c>mtty_save_device_data</c>).
/// </summary>
/// <remarks>
/// When the saving or resuming states end (STOP_COPY → STOP, PRE_COPY → RUNNING, RESUMING → STOP, reset, the device's
/// last close) the stream is disabled (<c>mtty_disable_file</c>): a read of its descriptor is then <c>ENODEV</c>.
/// </remarks>
public sealed class VfioMigrationData
{
    private readonly Pipe _pipe;
    private volatile bool _disabled;

    /// <summary>Serialises the descriptor's reads with <c>VFIO_MIG_GET_PRECOPY_INFO</c> (the kernel's <c>migf-&gt;lock</c>).</summary>
    internal Lock Gate { get; } = new();

    internal VfioMigrationData(Pipe pipe, bool saving)
    {
        _pipe = pipe;
        Reader = saving ? pipe.Reader : null;
        Writer = saving ? null : pipe.Writer;
    }

    /// <summary>The saved state of a source device, or null for a resuming stream.</summary>
    public PipeReader? Reader { get; }

    /// <summary>Where a destination device's state goes, or null for a resuming stream.</summary>
    public PipeWriter? Writer { get; }

    /// <summary>Whether the states this stream belongs to have ended (the kernel's <c>migf-&gt;disabled</c>).</summary>
    public bool IsDisabled => _disabled;

    /// <summary>The device side of a saving stream.</summary>
    internal PipeWriter SavingWriter => _pipe.Writer;

    /// <summary>The device side of a resuming stream.</summary>
    internal PipeReader ResumingReader => _pipe.Reader;

    /// <summary>The migration this stream belongs to (for <c>VFIO_MIG_GET_PRECOPY_INFO</c>).</summary>
    internal VfioMigration? Owner { get; init; }

    /// <summary><c>mtty_disable_file</c>: later reads and writes of the descriptor are <c>ENODEV</c>.</summary>
    internal void Disable(string device)
    {
        if (_disabled)
        {
            return;
        }

        _disabled = true;
        if (Reader is not null)
        {
            // A reader still waiting sees the stream end with ENODEV; one whose data was complete already sees nothing new.
            _pipe.Writer.Complete(new MdevException(Errno.ENODEV, $"migration on {device}: the saving stream was closed by a state change"));
        }
        else
        {
            _pipe.Reader.Complete();
        }
    }

    /// <summary>The number of bytes written into a saving stream and not yet read (<c>filled_size - f_pos</c>).</summary>
    internal ulong Unread()
    {
        lock (Gate)
        {
            return UnreadLocked();
        }
    }

    private ulong UnreadLocked()
    {
        if (!_pipe.Reader.TryRead(out var result))
        {
            return 0;
        }

        ulong n = (ulong)result.Buffer.Length;
        _pipe.Reader.AdvanceTo(result.Buffer.Start);
        return n;
    }
}
