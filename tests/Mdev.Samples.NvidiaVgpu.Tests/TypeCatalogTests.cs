using System.Globalization;
using System.Text.RegularExpressions;

namespace Mdev.Samples.NvidiaVgpu.Tests;

public sealed partial class TypeCatalogTests
{
    [Theory]
    [InlineData("nvidia-11", "GRID M60-0B", "num_heads=2, frl_config=45, framebuffer=512M, max_resolution=2560x1600, max_instance=16\n", 16)]
    [InlineData("nvidia-12", "GRID M60-0Q", "num_heads=2, frl_config=60, framebuffer=512M, max_resolution=2560x1600, max_instance=16\n", 16)]
    [InlineData("nvidia-13", "GRID M60-1A", "num_heads=1, frl_config=60, framebuffer=1024M, max_resolution=1280x1024, max_instance=8\n", 8)]
    [InlineData("nvidia-14", "GRID M60-1B", "num_heads=4, frl_config=45, framebuffer=1024M, max_resolution=5120x2880, max_instance=8\n", 8)]
    [InlineData("nvidia-15", "GRID M60-1Q", "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=8\n", 8)]
    [InlineData("nvidia-16", "GRID M60-2A", "num_heads=1, frl_config=60, framebuffer=2048M, max_resolution=1280x1024, max_instance=4\n", 4)]
    [InlineData("nvidia-17", "GRID M60-2B", "num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=4\n", 4)]
    [InlineData("nvidia-18", "GRID M60-2Q", "num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=5120x2880, max_instance=4\n", 4)]
    [InlineData("nvidia-19", "GRID M60-4A", "num_heads=1, frl_config=60, framebuffer=4096M, max_resolution=1280x1024, max_instance=2\n", 2)]
    [InlineData("nvidia-20", "GRID M60-4Q", "num_heads=4, frl_config=60, framebuffer=4096M, max_resolution=5120x2880, max_instance=2\n", 2)]
    [InlineData("nvidia-21", "GRID M60-8A", "num_heads=1, frl_config=60, framebuffer=8192M, max_resolution=1280x1024, max_instance=1\n", 1)]
    [InlineData("nvidia-22", "GRID M60-8Q", "num_heads=4, frl_config=60, framebuffer=8192M, max_resolution=5120x2880, max_instance=1\n", 1)]
    public async Task M60Type_OnAFreshGpu_ShowsNameDescriptionAndMaxInstance(string type, string name, string description, int available)
    {
        await using var host = NvidiaHost.Create();
        var dir = NvidiaHost.TypeDir(host, type);

        host.Core.Sysfs.Read(dir + "/name").Should().Be(name + "\n");
        host.Core.Sysfs.Read(dir + "/description").Should().Be(description);
        host.Core.Sysfs.Read(dir + "/available_instances").Should().Be(available.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    [Theory]
    [InlineData("P40", "nvidia-46", "GRID P40-1Q", "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=24\n")]
    [InlineData("P40", "nvidia-47", "GRID P40-2Q", "num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320, max_instance=12\n")]
    [InlineData("P40", "nvidia-61", "GRID P40-24A", "num_heads=1, frl_config=60, framebuffer=24576M, max_resolution=1280x1024, max_instance=1\n")]
    [InlineData("P4", "nvidia-63", "GRID P4-1Q", "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=8\n")]
    [InlineData("P4", "nvidia-64", "GRID P4-2Q", "num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320, max_instance=4\n")]
    [InlineData("RTX6000", "nvidia-256", "GRID RTX6000-1Q", "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=24\n")]
    [InlineData("RTX6000", "nvidia-258", "GRID RTX6000-3Q", "num_heads=4, frl_config=60, framebuffer=3072M, max_resolution=7680x4320, max_instance=8\n")]
    [InlineData("V100", "nvidia-105", "GRID V100-1Q", "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=16\n")]
    [InlineData("V100", "nvidia-108", "GRID V100-8Q", "num_heads=4, frl_config=60, framebuffer=8192M, max_resolution=7680x4320, max_instance=2\n")]
    public async Task TypeFiles_OtherBoards_ShowTheListedNameAndDescription(string board, string type, string name, string description)
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = board });
        var dir = NvidiaHost.TypeDir(host, type);

        host.Core.Sysfs.Read(dir + "/name").Should().Be(name + "\n");
        host.Core.Sysfs.Read(dir + "/description").Should().Be(description);
    }

    [Theory]
    [InlineData("M60", 11, 22, 8192)]
    [InlineData("P40", 46, 61, 24576)]
    [InlineData("P4", 63, 64, 8192)]
    [InlineData("RTX6000", 256, 258, 24576)]
    [InlineData("V100", 105, 108, 16384)]
    public async Task Board_OffersContiguousTypeIds_WhoseMaxInstanceFillsTheFramebuffer(string board, int first, int last, int framebufferMiB)
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = board });

        host.Parent.Types.Select(t => t.Name).Should().Equal(Enumerable.Range(first, last - first + 1).Select(i => $"nvidia-{i}"));
        foreach (var type in host.Parent.Types)
        {
            var match = DescriptionPattern().Match(host.Core.Sysfs.Read(type.SysfsPath + "/description"));
            match.Success.Should().BeTrue(type.Name);
            int framebuffer = int.Parse(match.Groups["fb"].Value, CultureInfo.InvariantCulture);
            int maxInstance = int.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture);
            (framebuffer * maxInstance).Should().Be(framebufferMiB, type.Name);
            type.AvailableInstances.Should().Be(maxInstance, type.Name);
        }
    }

    [GeneratedRegex(@"^num_heads=\d+, frl_config=(45|60), framebuffer=(?<fb>\d+)M, max_resolution=\d+x\d+, max_instance=(?<max>\d+)\n$")]
    private static partial Regex DescriptionPattern();
}
