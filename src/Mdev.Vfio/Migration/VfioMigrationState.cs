namespace Mdev.Vfio;

/// <summary><c>enum vfio_device_mig_state</c>: the migration v2 device states (fixed ABI values).</summary>
public enum VfioMigrationState : uint
{
    /// <summary>Failed; only <c>VFIO_DEVICE_RESET</c> leads out (to RUNNING).</summary>
    Error = 0,
    /// <summary>Stopped: no DMA, no interrupts, state frozen.</summary>
    Stop = 1,
    /// <summary>Running normally.</summary>
    Running = 2,
    /// <summary>Stopped, its state readable from the data stream.</summary>
    StopCopy = 3,
    /// <summary>Receiving state through the data stream.</summary>
    Resuming = 4,
    /// <summary>Running, but not initiating peer-to-peer DMA.</summary>
    RunningP2P = 5,
    /// <summary>Running, with initial state readable ahead of STOP_COPY.</summary>
    PreCopy = 6,
    /// <summary>PRE_COPY without peer-to-peer DMA.</summary>
    PreCopyP2P = 7,
}
