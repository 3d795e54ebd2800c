namespace Mdev.Samples.VfioCcw;

/// <summary>The I/O subchannel a vfio-ccw parent stands on, as a host description gives it.</summary>
public sealed class CcwSubchannelOptions
{
    /// <summary>The subchannel id <c>cssid.ssid.number</c> (<c>%x.%x.%04x</c>), e.g. <c>0.0.0313</c>: the parent's device name.</summary>
    public string SubchannelId { get; init; } = "0.0.0313";

    /// <summary>Whether the subchannel is operational when the driver binds.</summary>
    public CcwSubchannelState State { get; init; } = CcwSubchannelState.Operational;

    /// <summary>The device number of the I/O device behind the subchannel (PMCW <c>dev</c>), e.g. <c>0x2b09</c>.</summary>
    public ushort DeviceNumber { get; init; } = 0x2b09;

    /// <summary>The channel paths (CHPIDs) installed for the subchannel, one to eight; path <c>i</c> is mask bit <c>0x80 &gt;&gt; i</c>.</summary>
    public IReadOnlyList<byte> Chpids { get; init; } = [0x50, 0x51];

    /// <summary>A QDIO subchannel: the vfio_ccw css driver refuses it (<c>ENODEV</c>) and no parent is registered.</summary>
    public bool Qdio { get; init; }

    /// <summary>How long the channel subsystem takes to present an I/O interruption after the function is accepted (on the core's <see cref="TimeProvider"/>).</summary>
    public TimeSpan InterruptLatency { get; init; } = TimeSpan.Zero;
}
