namespace Mdev.Core;

/// <summary>
/// One kernel uevent as <c>udevadm monitor --kernel --property</c> shows it: ACTION, DEVPATH, SUBSYSTEM, then the
/// driver's and caller's variables (DRIVER, MDEV_STATE), then SEQNUM.
/// </summary>
/// <param name="Action">The action.</param>
/// <param name="DevPath">The device path without <c>/sys</c>, e.g. <c>/devices/virtual/mtty/mtty/&lt;uuid&gt;</c>.</param>
/// <param name="Subsystem">The SUBSYSTEM (bus or class), e.g. <c>mdev</c>.</param>
/// <param name="SequenceNumber">SEQNUM, strictly increasing per core; a gap seen by a listener means it dropped events.</param>
/// <param name="Environment">Every variable in kernel order, including ACTION, DEVPATH, SUBSYSTEM and SEQNUM.</param>
public sealed record Uevent(
    UeventAction Action,
    string DevPath,
    string Subsystem,
    ulong SequenceNumber,
    IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The value of a variable, or null (e.g. <c>this["DRIVER"]</c>).</summary>
    /// <param name="key">The variable name.</param>
    /// <returns>The value, or null when absent.</returns>
    public string? this[string key]
    {
        get
        {
            foreach (var (k, v) in Environment)
            {
                if (k == key)
                {
                    return v;
                }
            }

            return null;
        }
    }

    /// <summary>The ACTION text (<c>add</c>, <c>bind</c>, ...).</summary>
    public string ActionName => Action.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public override string ToString() => $"KERNEL {ActionName} {DevPath} ({Subsystem})";
}
