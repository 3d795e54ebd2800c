using Mdev.Testing;

namespace Mdev.Samples.I915Gvt.Tests;

/// <summary>The vendor-driver contract on the default iGPU (4 GiB GGTT, 512 MiB aperture, 32 fences).</summary>
public sealed class DefaultIgpuContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => GvtHost.Create();
}

/// <summary>The vendor-driver contract on a Broadwell with a 256 MiB aperture (types V4_8 and V4_4 only).</summary>
public sealed class BroadwellContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => GvtHost.Create(new GvtOptions { GraphicsVersion = 8, DeviceId = 0x1616, ApertureMiB = 256 });
}
