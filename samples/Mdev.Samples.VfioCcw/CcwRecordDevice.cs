namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The I/O device behind the subchannel: it holds one record. WRITE replaces the record with the CCW's data, READ
/// returns it, NOOP does nothing, SENSE returns (and resets) the sense bytes, SENSE ID the catalog's identity; any other
/// command is rejected with unit check and sense byte 0 = command reject.
/// </summary>
internal sealed class CcwRecordDevice
{
    private readonly byte[] _sense = new byte[CcwCatalog.SenseSize];
    private byte[] _record = [];

    /// <summary>The record as stored.</summary>
    public ReadOnlySpan<byte> Record => _record;

    /// <summary>Executes one command.</summary>
    /// <param name="ccw">The CCW.</param>
    /// <param name="port">The channel's data path.</param>
    /// <returns>The outcome.</returns>
    public CcwDeviceResult Execute(Ccw1 ccw, IChannelDataPort port)
    {
        switch (ccw.Command)
        {
            case Ccw1.Write:
                var data = new byte[ccw.Count];
                port.ToDevice(ccw.Cda, data);
                _record = data;
                return new CcwDeviceResult(ccw.Count, ccw.Count, false);
            case Ccw1.Read:
                return Transfer(ccw, _record, port);
            case Ccw1.Noop:
                return new CcwDeviceResult(ccw.Count, ccw.Count, false);
            case Ccw1.Sense:
                var sense = Transfer(ccw, _sense, port);
                Array.Clear(_sense);
                return sense;
            case Ccw1.SenseId:
                return Transfer(ccw, CcwCatalog.SenseId, port);
            default:
                _sense[0] = CcwCatalog.SenseCommandReject;
                return new CcwDeviceResult(0, 0, true);
        }
    }

    private static CcwDeviceResult Transfer(Ccw1 ccw, ReadOnlySpan<byte> data, IChannelDataPort port)
    {
        int n = Math.Min(ccw.Count, data.Length);
        if (n > 0 && (ccw.Flags & Ccw1.FlagSkip) == 0)
        {
            port.FromDevice(ccw.Cda, data[..n]);
        }

        return new CcwDeviceResult(n, data.Length, false);
    }
}
