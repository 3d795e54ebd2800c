using System.IO.Pipelines;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// One device's migration v2 state (the VFIO core's <c>vfio_mig_get_next_state</c> walk and the driver's data files),
/// kept per device, not per file. Guarded by its own lock (the driver's <c>state_mutex</c>); vendor code runs under it,
/// as in the kernel drivers.
/// </summary>
internal sealed class VfioMigration(MdevDevice mdev)
{
    private readonly Lock _lock = new();
    private VfioMigrationState _state = VfioMigrationState.Running;
    private Pipe? _saving;
    private Pipe? _resuming;

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

    /// <summary>First open, last close and reset: RUNNING with no data stream.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            DropFiles();
            _state = VfioMigrationState.Running;
        }
    }

    /// <summary>Walks single arcs from the current state to <paramref name="target"/>.</summary>
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

    private VfioMigrationData? Step(VfioParentOps ops, VfioMigrationState from, VfioMigrationState to)
    {
        ops.OnMigrationArc(mdev, from, to);
        switch ((from, to))
        {
            case (VfioMigrationState.Running, VfioMigrationState.PreCopy):
            case (VfioMigrationState.RunningP2P, VfioMigrationState.PreCopyP2P):
            {
                var pipe = NewPipe();
                ops.SaveMigrationData(mdev, to, pipe.Writer);
                pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // never pauses: no threshold
                _saving = pipe;
                return new VfioMigrationData(pipe.Reader, null);
            }

            case (VfioMigrationState.Stop, VfioMigrationState.StopCopy):
            case (VfioMigrationState.PreCopyP2P, VfioMigrationState.StopCopy):
            {
                var pipe = _saving ?? NewPipe();
                ops.SaveMigrationData(mdev, to, pipe.Writer);
                pipe.Writer.Complete();
                _saving = pipe;
                return new VfioMigrationData(pipe.Reader, null);
            }

            case (VfioMigrationState.StopCopy, VfioMigrationState.Stop):
            case (VfioMigrationState.PreCopy, VfioMigrationState.Running):
            case (VfioMigrationState.PreCopyP2P, VfioMigrationState.RunningP2P):
                DropFiles();
                return null;

            case (VfioMigrationState.Stop, VfioMigrationState.Resuming):
            {
                var pipe = NewPipe();
                _resuming = pipe;
                return new VfioMigrationData(null, pipe.Writer);
            }

            case (VfioMigrationState.Resuming, VfioMigrationState.Stop):
            {
                var pipe = _resuming ?? throw new MdevException(Errno.EINVAL, $"migration on {mdev.Name}: no resuming stream");
                // What was flushed into the stream so far is the data. A refusal leaves the device in RESUMING with the
                // stream as it was: the caller may reset or retry.
                if (pipe.Reader.TryRead(out var result))
                {
                    try
                    {
                        ops.LoadMigrationData(mdev, result.Buffer);
                    }
                    catch
                    {
                        pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                        throw;
                    }

                    pipe.Reader.AdvanceTo(result.Buffer.End);
                }
                else
                {
                    ops.LoadMigrationData(mdev, System.Buffers.ReadOnlySequence<byte>.Empty);
                }

                DropFiles();
                return null;
            }

            default:
                return null;
        }
    }

    /// <summary>A stream that never pauses its writer: a saved state is produced in one go, whoever reads it.</summary>
    private static Pipe NewPipe() => new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));

    private void DropFiles()
    {
        _saving?.Writer.Complete();
        _saving = null;
        _resuming?.Reader.Complete();
        _resuming = null;
    }
}
