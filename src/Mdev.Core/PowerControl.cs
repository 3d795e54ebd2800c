namespace Mdev.Core;

/// <summary>
/// The state behind a device's <c>power/control</c> (<c>dev-&gt;power.runtime_auto</c>): the owner of that attribute,
/// so the show/store are shared static callbacks. Written only by the store; a reference write, so a racing show
/// reads either the old or the new value, as in the kernel.
/// </summary>
internal sealed class PowerControl(string devicePath)
{
    /// <summary>The device's path (a string the device holds anyway), for messages.</summary>
    public string DevicePath { get; } = devicePath;

    /// <summary><c>auto</c> or <c>on</c>.</summary>
    public string Value { get; set; } = "auto";
}
