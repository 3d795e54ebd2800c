namespace Mdev.Samples.VfioCcw;

/// <summary>The channel's data path between the device and guest memory for one channel program.</summary>
internal interface IChannelDataPort
{
    /// <summary>Fetches data for a write-type command from guest memory.</summary>
    /// <param name="address">The CCW's data address.</param>
    /// <param name="destination">Where the bytes go.</param>
    void ToDevice(uint address, Span<byte> destination);

    /// <summary>Stores data of a read-type command into guest memory.</summary>
    /// <param name="address">The CCW's data address.</param>
    /// <param name="source">The bytes.</param>
    void FromDevice(uint address, ReadOnlySpan<byte> source);
}
