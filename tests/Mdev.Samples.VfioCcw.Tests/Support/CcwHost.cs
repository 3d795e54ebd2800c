using Mdev.Core;
using Mdev.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Samples.VfioCcw.Tests.Support;

/// <summary>Hosts with the vfio-ccw sample registered.</summary>
internal static class CcwHost
{
    public const string Parent = "/sys/devices/css0/0.0.0313";
    public const string Type = Parent + "/mdev_supported_types/vfio_ccw-io";

    public static MdevTestHost Create(CcwSubchannelOptions? options = null, TimeProvider? time = null) =>
        MdevTestHost.Create((core, vfio) => VfioCcw.Register(core, vfio, options), time is null ? null : new MdevCoreOptions { TimeProvider = time });

    /// <summary>A host whose interruptions arrive only when the fake clock is advanced by 1 ms.</summary>
    public static (MdevTestHost Host, FakeTimeProvider Clock) CreateWithClock()
    {
        var clock = new FakeTimeProvider();
        return (Create(new CcwSubchannelOptions { InterruptLatency = TimeSpan.FromMilliseconds(1) }, clock), clock);
    }

    public static CcwPrivate Private(this MdevTestHost host) => ((CcwParentOps)host.Parent.Ops).Private;

    /// <summary>Forces the FSM into a state, as the kernel's own paths would leave it.</summary>
    public static void Force(this MdevTestHost host, CcwFsmState state)
    {
        var p = host.Private();
        lock (p.IoLock)
        {
            p.State = state;
        }
    }
}
