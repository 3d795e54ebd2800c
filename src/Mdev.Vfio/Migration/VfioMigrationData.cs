using System.IO.Pipelines;

namespace Mdev.Vfio;

/// <summary>
/// The data stream an arc opens (<c>data_fd</c> of <c>vfio_device_feature_mig_state</c>): entering STOP_COPY or
/// PRE_COPY gives a <see cref="Reader"/> with the device's state, complete when all of it is there; entering RESUMING
/// gives a <see cref="Writer"/> into which the state is written (complete it when done). End of data is the end of the
/// stream.
/// </summary>
public sealed class VfioMigrationData
{
    internal VfioMigrationData(PipeReader? reader, PipeWriter? writer)
    {
        Reader = reader;
        Writer = writer;
    }

    /// <summary>The saved state of a source device, or null for a resuming stream.</summary>
    public PipeReader? Reader { get; }

    /// <summary>Where a destination device's state goes, or null for a saving stream.</summary>
    public PipeWriter? Writer { get; }
}
