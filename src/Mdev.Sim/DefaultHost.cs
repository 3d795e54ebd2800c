using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.Host;

/// <summary>
/// The host <c>mdev-sim serve</c> builds without a host file: every vendor sample — mtty; GVT-g at 0000:00:02.0 (4 GiB
/// GGTT, 512 MiB aperture, 32 fences: V5_8, V5_4, V5_2 with 6, 3 and 1 instances); an NVIDIA Tesla M60 at
/// 0000:3e:00.0 (nvidia-11 … nvidia-22); the vfio-ccw subchannel 0.0.0313; the vfio-ap matrix (APXA, 255 adapters and
/// domains, queues 05.0047, 05.0048, 06.0047, 06.0048 bound to vfio_ap).
/// </summary>
internal static class DefaultHost
{
    public static HostFile Description => new()
    {
        Parents =
        [
            new HostFileParent { Kind = "mtty" },
            new HostFileParent { Kind = "i915-gvt" },
            new HostFileParent { Kind = "nvidia" },
            new HostFileParent { Kind = "vfio-ccw" },
            new HostFileParent { Kind = "vfio-ap" },
        ],
    };

}
