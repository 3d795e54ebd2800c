namespace Mdev.Samples.VfioCcw;

/// <summary>How the subchannel behind a vfio-ccw parent starts out.</summary>
public enum CcwSubchannelState
{
    /// <summary>Operational: the vfio-ccw FSM starts in STANDBY and devices can be created.</summary>
    Operational,

    /// <summary>Not operational: the FSM starts in NOT_OPER, so creating a device fails with <c>ENODEV</c>.</summary>
    NotOperational,
}
