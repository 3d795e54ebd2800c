namespace Mdev.Samples.VfioCcw;

/// <summary>The vfio-ccw FSM states (<c>enum vfio_ccw_state</c>).</summary>
internal enum CcwFsmState
{
    /// <summary>The subchannel is not operational.</summary>
    NotOper = 0,

    /// <summary>Bound, no user: the subchannel is disabled.</summary>
    Standby = 1,

    /// <summary>Open and enabled, no channel program.</summary>
    Idle = 2,

    /// <summary>A channel program is being translated.</summary>
    CpProcessing = 3,

    /// <summary>A channel program was started; its final interruption is awaited.</summary>
    CpPending = 4,
}
