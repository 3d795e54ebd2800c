using Mdev.Core;
using Mdev.Testing;

namespace Mdev.Samples.VfioAp.Tests.Support;

/// <summary>Hosts with the vfio-ap sample registered, and sysfs helpers for its per-device attributes.</summary>
internal static class ApHost
{
    public const string Matrix = "/sys/devices/vfio_ap/matrix";
    public const string Type = Matrix + "/mdev_supported_types/vfio_ap-passthrough";

    public static MdevTestHost Create(ApMatrixOptions? options = null) =>
        MdevTestHost.Create((core, vfio) => VfioAp.Register(core, vfio, options));

    public static string Path(MdevDevice mdev, string attribute) => $"/sys/bus/mdev/devices/{mdev.Name}/{attribute}";

    public static int Write(this MdevTestHost host, MdevDevice mdev, string attribute, string text) =>
        host.Core.Sysfs.Write(Path(mdev, attribute), text);

    public static string Read(this MdevTestHost host, MdevDevice mdev, string attribute) =>
        host.Core.Sysfs.Read(Path(mdev, attribute));

    public static void Fails(this MdevTestHost host, Errno errno, MdevDevice mdev, string attribute, string text) =>
        Expect.Errno(errno, () => host.Write(mdev, attribute, text));
}
