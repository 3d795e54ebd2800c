using System.Text.Json.Serialization;

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
}
