using Mdev.Testing;

namespace Mdev.Samples.NvidiaVgpu.Tests;

/// <summary>The vendor-driver contract on the default GPU (one GPU of a Tesla M60).</summary>
public sealed class M60ContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => NvidiaHost.Create();
}

/// <summary>The vendor-driver contract on a Tesla P40 (framebuffers that are not powers of two).</summary>
public sealed class P40ContractTests : VendorDriverContract
{
    protected override MdevTestHost CreateHost() => NvidiaHost.Create(new NvidiaGpuOptions { Board = "P40", PciAddress = "0000:5e:00.0" });
}
