namespace Mdev.Samples.I915Gvt.Tests;

public sealed class TypeTests
{
    [Theory]
    [InlineData("i915-GVTg_V5_8", "GVTg_V5_8\n", "low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: 1024x768\nweight: 2\n")]
    [InlineData("i915-GVTg_V5_4", "GVTg_V5_4\n", "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n")]
    [InlineData("i915-GVTg_V5_2", "GVTg_V5_2\n", "low_gm_size: 256MB\nhigh_gm_size: 1024MB\nfence: 4\nresolution: 1920x1200\nweight: 8\n")]
    [InlineData("i915-GVTg_V5_1", "GVTg_V5_1\n", "low_gm_size: 512MB\nhigh_gm_size: 2048MB\nfence: 4\nresolution: 1920x1200\nweight: 16\n")]
    public async Task TypeFiles_EachType_ShowSysfsNameAndTheFiveLineDescription(string type, string name, string description)
    {
        await using var host = GvtHost.Create(new GvtOptions { ApertureMiB = 1024 });
        var dir = GvtHost.TypeDir(host, type);

        host.Core.Sysfs.Read(dir + "/name").Should().Be(name);
        host.Core.Sysfs.Read(dir + "/description").Should().Be(description);
        host.Core.Sysfs.Read(dir + "/device_api").Should().Be("vfio-pci\n");
    }
}
