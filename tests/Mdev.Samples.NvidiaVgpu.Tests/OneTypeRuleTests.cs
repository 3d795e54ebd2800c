using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu.Tests;

public sealed class OneTypeRuleTests
{
    [Fact]
    public async Task Create_FirstVgpu_LowersItsTypeAndZeroesEveryOtherType()
    {
        await using var host = NvidiaHost.Create();

        host.CreateDevice("nvidia-18");

        var expected = host.Parent.Types.ToDictionary(t => t.Name, _ => 0);
        expected["nvidia-18"] = 3;
        NvidiaHost.AllAvailable(host).Should().Equal(expected);

        host.CreateDevice("nvidia-18");
        NvidiaHost.Available(host, "nvidia-18").Should().Be(2);
        NvidiaHost.AllAvailable(host).Where(kv => kv.Key != "nvidia-18").Should().OnlyContain(kv => kv.Value == 0);
    }

    [Fact]
    public async Task Create_OtherTypeWhileOneIsInUse_FailsWithEbusyAndLeavesNoTrace()
    {
        await using var host = NvidiaHost.Create();
        host.CreateDevice("nvidia-11");
        var before = NvidiaHost.AllAvailable(host);
        var uuid = Guid.NewGuid();

        NvidiaHost.TryCreate(host, "nvidia-12", uuid).Should().Be(Errno.EBUSY);

        host.Core.FindDevice(uuid).Should().BeNull();
        host.Core.Sysfs.Exists($"/sys/bus/mdev/devices/{uuid:D}").Should().BeFalse();
        NvidiaHost.AllAvailable(host).Should().Equal(before);
        NvidiaHost.TryCreate(host, "nvidia-11", uuid).Should().BeNull();
        NvidiaHost.Available(host, "nvidia-11").Should().Be(14);
    }

    [Fact]
    public async Task Create_BeyondMaxInstance_FailsWithEnospc()
    {
        await using var host = NvidiaHost.Create();
        host.CreateDevice("nvidia-20");
        host.CreateDevice("nvidia-20");
        NvidiaHost.Available(host, "nvidia-20").Should().Be(0);

        NvidiaHost.TryCreate(host, "nvidia-20", Guid.NewGuid()).Should().Be(Errno.ENOSPC);

        host.Parent.Devices.Should().HaveCount(2);
    }

    [Fact]
    public async Task Remove_LastVgpuOfTheType_FreesTheGpuForAnyType()
    {
        await using var host = NvidiaHost.Create();
        var first = host.CreateDevice("nvidia-15");
        var second = host.CreateDevice("nvidia-15");

        host.Core.Sysfs.Write($"/sys/bus/mdev/devices/{first.Name}/remove", "1\n");
        NvidiaHost.Available(host, "nvidia-15").Should().Be(7);
        NvidiaHost.Available(host, "nvidia-22").Should().Be(0);

        host.Core.Sysfs.Write($"/sys/bus/mdev/devices/{second.Name}/remove", "1\n");
        NvidiaHost.AllAvailable(host).Should().Equal(host.Parent.Types.ToDictionary(t => t.Name, t => t.Name switch
        {
            "nvidia-11" or "nvidia-12" => 16,
            "nvidia-13" or "nvidia-14" or "nvidia-15" => 8,
            "nvidia-16" or "nvidia-17" or "nvidia-18" => 4,
            "nvidia-19" or "nvidia-20" => 2,
            _ => 1,
        }));
        NvidiaHost.TryCreate(host, "nvidia-22", Guid.NewGuid()).Should().BeNull();
    }

    [Fact]
    public async Task Create_AllSixteen512MVgpus_FillsTheGpu()
    {
        await using var host = NvidiaHost.Create();

        for (int i = 0; i < 16; i++)
        {
            host.CreateDevice("nvidia-12");
        }

        NvidiaHost.AllAvailable(host).Values.Should().OnlyContain(v => v == 0);
        NvidiaHost.TryCreate(host, "nvidia-12", Guid.NewGuid()).Should().Be(Errno.ENOSPC);
        NvidiaHost.TryCreate(host, "nvidia-11", Guid.NewGuid()).Should().Be(Errno.EBUSY);
    }
}
