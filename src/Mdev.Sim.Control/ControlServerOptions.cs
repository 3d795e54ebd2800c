using System.Text.Json;
using Mdev.Core;

namespace Mdev.Sim.Control;

/// <summary>Settings of a <see cref="ControlServer"/>.</summary>
public sealed class ControlServerOptions
{
    /// <summary>
    /// Adds a parent described in the host file's vocabulary (<c>{"kind":"nvidia","pciAddress":"0000:3f:00.0"}</c>) for
    /// <c>POST /parents</c>; it throws <see cref="MdevException"/> (<c>EINVAL</c> naming the bad field) and leaves
    /// nothing behind on bad input. Null: <c>POST /parents</c> answers 501.
    /// </summary>
    public Func<JsonElement, MdevParent>? AddParent { get; init; }
}
