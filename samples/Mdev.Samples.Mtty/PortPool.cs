using Mdev.Core;

namespace Mdev.Samples.Mtty;

/// <summary>The ports left for new devices (<c>mdev_avail_ports</c>), shared by both types.</summary>
internal sealed class PortPool(int capacity)
{
    private int _available = capacity;

    public int Available => Volatile.Read(ref _available);

    /// <summary><c>mtty_init_dev</c>: takes <paramref name="ports"/> atomically, or fails with <c>ENOSPC</c>.</summary>
    public void Take(int ports, string device)
    {
        int available = Available;
        while (true)
        {
            if (available < ports)
            {
                throw new MdevException(Errno.ENOSPC, $"create {device} on mtty: {ports} ports wanted, {available} of {MttyCatalog.MaxPorts} left");
            }

            int seen = Interlocked.CompareExchange(ref _available, available - ports, available);
            if (seen == available)
            {
                return;
            }

            available = seen;
        }
    }

    /// <summary><c>mtty_release_dev</c>: gives the ports back.</summary>
    public void Return(int ports) => Interlocked.Add(ref _available, ports);
}
