using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu.Tests;

public sealed class VgpuParamsTests
{
    [Theory]
    [InlineData("frame_rate_limiter")]
    [InlineData("=1")]
    [InlineData("frame_rate_limiter=")]
    [InlineData("frame_rate_limiter=2")]
    [InlineData("frame_rate_limiter=yes")]
    [InlineData("vgpu_type_id=12")]
    [InlineData("frame_rate_limiter=0,frame_rate_limiter=1")]
    [InlineData("frame_rate_limiter=0,,disable_vnc=1")]
    [InlineData("frame_rate_limiter=0,")]
    [InlineData("frame_rate_limiter = 0")]
    [InlineData("frame_rate_limiter=0;disable_vnc=1")]
    public async Task Store_MalformedParams_FailsWithEinvalAndKeepsTheStoredValue(string text)
    {
        await using var host = NvidiaHost.Create();
        var file = ParamsFile(host.CreateDevice("nvidia-11"));
        host.Core.Sysfs.Write(file, "disable_vnc=1\n");

        Assert.Throws<MdevException>(() => host.Core.Sysfs.Write(file, text + "\n")).Errno.Should().Be(Errno.EINVAL);

        host.Core.Sysfs.Read(file).Should().Be("disable_vnc=1\n");
    }

    [Theory]
    [InlineData("frame_rate_limiter=0\n", "frame_rate_limiter=0\n")]
    [InlineData("frame_rate_limiter=0, disable_vnc=1\n", "frame_rate_limiter=0, disable_vnc=1\n")]
    [InlineData("enable_uvm=1,enable_debugging=0,enable_profiling=1", "enable_uvm=1, enable_debugging=0, enable_profiling=1\n")]
    [InlineData("  disable_vnc=1 ,frame_rate_limiter=1  \n", "disable_vnc=1, frame_rate_limiter=1\n")]
    [InlineData(" \n", "\n")]
    [InlineData("\n", "\n")]
    public async Task Store_ValidParams_AreStoredAndShownBack(string text, string shown)
    {
        await using var host = NvidiaHost.Create();
        var file = ParamsFile(host.CreateDevice("nvidia-11"));
        host.Core.Sysfs.Write(file, "enable_uvm=0\n");

        host.Core.Sysfs.Write(file, text).Should().Be(text.Length);

        host.Core.Sysfs.Read(file).Should().Be(shown);
    }

    [Fact]
    public async Task Params_OfANewVgpu_AreEmptyWritableAndPerDevice()
    {
        await using var host = NvidiaHost.Create();
        var first = host.CreateDevice("nvidia-11");
        var second = host.CreateDevice("nvidia-11");

        host.Core.Sysfs.Read(ParamsFile(first)).Should().Be("\n");
        host.Core.Sysfs.Stat(ParamsFile(first)).Mode.Should().Be((UnixFileMode)Convert.ToInt32("644", 8));
        host.Core.Sysfs.Write(ParamsFile(first), "frame_rate_limiter=0\n");

        host.Core.Sysfs.Read(ParamsFile(second)).Should().Be("\n");
        host.Core.Sysfs.Read($"/sys/bus/mdev/devices/{first.Name}/nvidia/vgpu_params").Should().Be("frame_rate_limiter=0\n");
    }

    [Fact]
    public async Task Store_WhileTheVgpuIsOpen_Succeeds()
    {
        await using var host = NvidiaHost.Create();
        var mdev = host.CreateDevice("nvidia-11");
        using var session = host.Open(mdev);

        host.Core.Sysfs.Write(ParamsFile(mdev), "frame_rate_limiter=0\n");

        host.Core.Sysfs.Read(ParamsFile(mdev)).Should().Be("frame_rate_limiter=0\n");
    }

    private static string ParamsFile(MdevDevice mdev) => mdev.SysfsPath + "/nvidia/vgpu_params";
}
