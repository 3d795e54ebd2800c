namespace Mdev.Samples.VfioCcw;

/// <summary>The vfio-ccw FSM events (<c>enum vfio_ccw_event</c>).</summary>
internal enum CcwFsmEvent
{
    /// <summary>The subchannel became not operational.</summary>
    NotOper,

    /// <summary>A write of the I/O region.</summary>
    IoRequest,

    /// <summary>An I/O interruption.</summary>
    Interrupt,

    /// <summary>A write of the async command region.</summary>
    AsyncRequest,

    /// <summary>The device is opened (or reset).</summary>
    Open,

    /// <summary>The device is closed (or reset).</summary>
    Close,
}
