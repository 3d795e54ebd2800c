using System.Threading.Channels;

namespace Mdev.Core;

/// <summary>
/// A subscription to a core's uevents (a <c>NETLINK_KOBJECT_UEVENT</c> socket). Events arrive on <see cref="Reader"/>
/// in kernel order. The core never waits for a listener: when the listener's buffer is full, the new event is dropped
/// and <see cref="Dropped"/> counts it, as a full netlink socket drops and reports <c>ENOBUFS</c>; the gap in
/// <see cref="Uevent.SequenceNumber"/> shows where. Dispose to unsubscribe.
/// </summary>
public sealed class UeventListener : IDisposable
{
    private readonly Channel<Uevent> _channel;
    private readonly Action<UeventListener> _unsubscribe;
    private long _dropped;
    private int _disposed;

    internal UeventListener(int capacity, Action<UeventListener> unsubscribe)
    {
        _channel = Channel.CreateBounded<Uevent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        _unsubscribe = unsubscribe;
    }

    /// <summary>The events, in order.</summary>
    public ChannelReader<Uevent> Reader => _channel.Reader;

    /// <summary>How many events were dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Unsubscribes and completes <see cref="Reader"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>Offers an event without waiting; counts it as dropped when the buffer is full.</summary>
    internal void Offer(Uevent uevent)
    {
        if (!_channel.Writer.TryWrite(uevent))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
