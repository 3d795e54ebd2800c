namespace Mdev.Core;

/// <summary>The lifecycle of an mdev device (the kernel's <c>mdev-&gt;active</c> plus list membership).</summary>
public enum MdevDeviceState
{
    /// <summary>Being created: in the UUID index, not yet active; a remove now gets <c>EAGAIN</c>.</summary>
    Creating,
    /// <summary>Created and usable.</summary>
    Active,
    /// <summary>Being removed (possibly waiting for its users to let go); a second remove gets <c>EAGAIN</c>.</summary>
    Removing,
    /// <summary>Removed; every sysfs node is gone.</summary>
    Gone,
}
