using System.IO.Pipelines;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// One device's migration v2 state (the VFIO core's <c>vfio_mig_get_next_state</c> walk and the driver's data files),
/// kept per device, not per file: it belongs to the vendor driver, so closing and reopening the device file leaves
/// the state as it was (mtty has no <c>open_device</c>, and its <c>close_device</c> only disables the files). Guarded
/// by its own lock (the driver's <c>state_mutex</c>); vendor code runs under it, as in the kernel drivers.
/// </summary>
internal sealed class VfioMigration(MdevDevice mdev)
{
    private readonly Lock _lock = new();
    private VfioMigrationState _state = VfioMigrationState.Running;
    private VfioMigrationData? _saving;
    private VfioMigrationData? _resuming;

    public VfioMigrationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Reset (<c>mtty_reset</c>): RUNNING with the data streams disabled.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            DisableFiles();
            _state = VfioMigrationState.Running;
        }
    }

    /// <summary>The device's last close (<c>mtty_close_device</c>): the data streams are disabled, the state stays.</summary>
    public void Close()
    {
        lock (_lock)
        {
            DisableFiles();
        }
    }

    /// <summary>
    /// <c>VFIO_MIG_GET_PRECOPY_INFO</c> on a saving stream (<c>mtty_precopy_ioctl</c>): <c>EINVAL</c> outside PRE_COPY and
    /// PRE_COPY_P2P, <c>ENODEV</c> once the stream is disabled; else the bytes not yet read as <c>initial_bytes</c> and no
    /// dirty bytes (mtty's state has no dirty phase).
    /// </summary>
    public (ulong InitialBytes, ulong DirtyBytes) PrecopyInfo(VfioMigrationData data)
    {
        lock (_lock)
        {
            if (_state is not (VfioMigrationState.PreCopy or VfioMigrationState.PreCopyP2P))
            {
                throw new MdevException(Errno.EINVAL, $"precopy info on {mdev.Name}: the device is in {_state}, not in a PRE_COPY state");
            }

            if (data.IsDisabled)
            {
                throw new MdevException(Errno.ENODEV, $"precopy info on {mdev.Name}: the saving stream was closed by a state change");
            }

            return (data.Unread(), 0);
        }
    }

    /// <summary>Walks single arcs from the current state to <paramref name="target"/> (<c>mtty_set_state</c>).</summary>
    public VfioMigrationData? SetState(VfioParentOps ops, VfioMigrationState target)
    {
        var flags = ops.GetMigrationFlags(mdev);
        lock (_lock)
        {
            if (!VfioMigrationArcs.Supports(flags, target))
            {
                throw new MdevException(Errno.EINVAL, $"migration on {mdev.Name}: state {target} is not supported by the device");
            }

            VfioMigrationData? data = null;
            while (_state != target)
            {
                var next = VfioMigrationArcs.Next(flags, _state, target);
                if (next == VfioMigrationState.Error)
                {
                    throw new MdevException(Errno.EINVAL, $"migration on {mdev.Name}: no arc leads from {_state} to {target}");
                }

                data = Step(ops, _state, next);
                _state = next;
            }

            return data;
        }
    }

    /// <summary><c>mtty_step_state</c>: one arc and its data handling.</summary>
    private VfioMigrationData? Step(VfioParentOps ops, VfioMigrationState from, VfioMigrationState to)
    {
        ops.OnMigrationArc(mdev, from, to);
        switch ((from, to))
        {
            case (VfioMigrationState.Running, VfioMigrationState.PreCopy):
            case (VfioMigrationState.RunningP2P, VfioMigrationState.PreCopyP2P):
            {
                var data = NewStream(saving: true);
                ops.SaveMigrationData(mdev, to, data.SavingWriter);
                Flush(data.SavingWriter);
                _saving = data;
                return data;
            }

            case (VfioMigrationState.Stop, VfioMigrationState.StopCopy):
            case (VfioMigrationState.PreCopyP2P, VfioMigrationState.StopCopy):
            {
                // mtty_save_device_data: an existing saving file gets the stop-copy data and no new descriptor.
                var existing = _saving;
                var data = existing ?? NewStream(saving: true);
                ops.SaveMigrationData(mdev, to, data.SavingWriter);
                Flush(data.SavingWriter);
                data.SavingWriter.Complete();
                _saving = data;
                return existing is null ? data : null;
            }

            case (VfioMigrationState.StopCopy, VfioMigrationState.Stop):
            case (VfioMigrationState.PreCopy, VfioMigrationState.Running):
            case (VfioMigrationState.PreCopyP2P, VfioMigrationState.RunningP2P):
                DisableFiles();
                return null;

            case (VfioMigrationState.Stop, VfioMigrationState.Resuming):
            {
                var data = NewStream(saving: false);
                _resuming = data;
                return data;
            }

            case (VfioMigrationState.Resuming, VfioMigrationState.Stop):
            {
                var reader = (_resuming ?? throw new MdevException(Errno.EINVAL, $"migration on {mdev.Name}: no resuming stream")).ResumingReader;
                // What was flushed into the stream so far is the data. A refusal leaves the device in RESUMING with the
                // stream as it was: the caller may reset or retry.
                if (reader.TryRead(out var result))
                {
                    try
                    {
                        ops.LoadMigrationData(mdev, result.Buffer);
                    }
                    catch
                    {
                        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                        throw;
                    }

                    reader.AdvanceTo(result.Buffer.End);
                }
                else
                {
                    ops.LoadMigrationData(mdev, System.Buffers.ReadOnlySequence<byte>.Empty);
                }

                DisableFiles();
                return null;
            }

            default:
                return null;
        }
    }

    /// <summary>A stream that never pauses its writer: a saved state is produced in one go, whoever reads it.</summary>
    private VfioMigrationData NewStream(bool saving) =>
        new(new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false)), saving) { Owner = this };

    private static void Flush(PipeWriter writer) => writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // never pauses: no threshold

    /// <summary><c>mtty_disable_files</c>.</summary>
    private void DisableFiles()
    {
        _saving?.Disable(mdev.Name);
        _saving = null;
        _resuming?.Disable(mdev.Name);
        _resuming = null;
    }
}
