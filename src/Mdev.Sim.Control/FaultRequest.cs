using Mdev.Core;

namespace Mdev.Sim.Control;

/// <summary>
/// A fault as JSON (<c>POST /faults</c>, and the host file's <c>faults</c> list), e.g.
/// <c>{"point":"create","errno":"ENOSPC","type":"nvidia-35"}</c> or
/// <c>{"point":"attribute-store","attribute":"assign_domain","errno":"EADDRINUSE","untilCleared":true}</c>.
/// </summary>
public sealed class FaultRequest
{
    /// <summary>The step: <c>create</c>, <c>remove</c>, <c>attribute-store</c>, <c>group-open</c>, <c>device-open</c>, <c>region-read</c>, <c>region-write</c>, <c>set-irqs</c>, <c>migration-state</c>.</summary>
    public string? Point { get; set; }

    /// <summary>The errno name, as the kernel headers spell it (<c>ENOSPC</c>).</summary>
    public string? Errno { get; set; }

    /// <summary>How many attempts fail (default 1).</summary>
    public int? Times { get; set; }

    /// <summary>True to fail until cleared (then <see cref="Times"/> must be absent).</summary>
    public bool UntilCleared { get; set; }

    /// <summary>Only on this parent (device name).</summary>
    public string? Parent { get; set; }

    /// <summary>Only on this type (<c>nvidia-35</c> or <c>35</c>).</summary>
    public string? Type { get; set; }

    /// <summary>Only on this mdev device (UUID).</summary>
    public string? Device { get; set; }

    /// <summary>The attribute's file name, for <c>attribute-store</c>.</summary>
    public string? Attribute { get; set; }

    /// <summary>Turns the request into a spec, checking every field.</summary>
    /// <param name="core">When given, the host whose device tree must hold <see cref="Parent"/>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> naming the field that is wrong; <c>ENODEV</c> for a parent <paramref name="core"/> does not have.</exception>
    public FaultSpec ToSpec(MdevCore? core = null)
    {
        var point = FaultSpec.ParsePoint(Point ?? throw new MdevException(Core.Errno.EINVAL, "fault: \"point\" is required"));
        var errno = FaultSpec.ParseErrno(Errno ?? throw new MdevException(Core.Errno.EINVAL, "fault: \"errno\" is required"));
        if (UntilCleared && Times is not null)
        {
            throw new MdevException(Core.Errno.EINVAL, "fault: \"times\" and \"untilCleared\" exclude each other");
        }

        var spec = new FaultSpec(point, errno)
        {
            Times = UntilCleared ? null : Times ?? 1,
            Parent = Parent,
            Type = Type,
            Device = Device,
            Attribute = Attribute,
        };
        if (spec.Times is < 1)
        {
            throw new MdevException(Core.Errno.EINVAL, $"fault: \"times\" must be at least 1, not {spec.Times}");
        }

        if (core is not null && Parent is { } name && core.TreeDevices.All(d => d.Name != name))
        {
            throw new MdevException(Core.Errno.ENODEV, $"fault: unknown parent '{name}'");
        }

        return spec;
    }
}
