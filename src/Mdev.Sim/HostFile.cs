using System.Text.Json.Serialization;
using Mdev.Sim.Control;

namespace Mdev.Samples.Host;

/// <summary>
/// A simulated host described in JSON (<c>mdev-sim serve --host host.json</c>): the parents to register, each by kind
/// with its parameters, e.g. <c>{"parents":[{"kind":"mtty"},{"kind":"mtty","name":"mtty2"}]}</c>.
/// </summary>
internal sealed class HostFile
{
    /// <summary>The parents, registered in this order.</summary>
    [JsonRequired]
    public List<HostFileParent> Parents { get; set; } = [];

    /// <summary>Faults armed once the parents are registered (<see cref="FaultRequest"/>), e.g. <c>{"point":"create","errno":"ENOSPC"}</c>.</summary>
    public List<FaultRequest>? Faults { get; set; }

    /// <summary>False for a host where mdev is not loaded: no <c>/sys/bus/mdev</c>, no <c>/sys/class/mdev_bus</c>, so no parents. Default true.</summary>
    public bool MdevLoaded { get; set; } = true;

    /// <summary>Milliseconds between a create and its device's <c>mdev_type</c> link (<see cref="Mdev.Core.MdevCoreOptions.MdevTypeLinkDelay"/>); real time. Default 0.</summary>
    public int MdevTypeLinkDelayMs { get; set; }

    /// <summary>Milliseconds a removal takes (<see cref="Mdev.Core.MdevCoreOptions.RemoveDuration"/>); real time. Default 0.</summary>
    public int RemoveDurationMs { get; set; }
}
