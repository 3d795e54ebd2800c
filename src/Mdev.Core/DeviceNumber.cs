namespace Mdev.Core;

/// <summary>
/// A device's character-device number and node (<c>dev_t</c> and <c>devnode</c>): its <c>dev</c> attribute says
/// <c>MAJOR:MINOR</c>, and its uevents and <c>uevent</c> file carry <c>MAJOR</c>, <c>MINOR</c> and <c>DEVNAME</c>
/// (<c>dev_uevent</c>).
/// </summary>
/// <param name="Major">The major number.</param>
/// <param name="Minor">The minor number.</param>
/// <param name="DevName">The node below <c>/dev</c>, e.g. <c>vfio/0</c>.</param>
public readonly record struct DeviceNumber(int Major, int Minor, string DevName);
