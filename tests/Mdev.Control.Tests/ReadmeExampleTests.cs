using Mdev.Control.Tests.Support;
using Mdev.Core.Sysfs;
using Microsoft.Extensions.DependencyInjection;

namespace Mdev.Control.Tests;

/// <summary>The README's "five calls" section, compiled and run here against the simulated host (keep the two in step).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task FiveCalls_AsInTheReadme_Work()
    {
        await using var host = new SimulatedHost();
        await using var provider = new ServiceCollection()
            .AddSingleton<ISysfs>(host.Core.Sysfs) // leave out on a real host: the default is new DirectorySysfs("/sys")
            .AddMdevControl(o => o.Root = host.Root) // "/" on a real host, so /etc/mdevctl.d is shared with mdevctl
            .BuildServiceProvider();

        // --- README begins ---
        var mdev = provider.GetRequiredService<MdevControl>();

        // 1. What can be created where (mdevctl types).
        foreach (var t in await mdev.ListTypesAsync())
        {
            Console.WriteLine($"{t.Parent} {t.TypeId}: {t.AvailableInstances} left ({t.DeviceApi}, {t.Name})");
        }

        // 2. Start a transient device (mdevctl start -u -p -t); the UUID is generated when null.
        var uuid = await mdev.StartAsync(null, "matrix", "vfio_ap-passthrough");

        // 3. Persist it with attributes that are written in order at every start (mdevctl define --jsonfile).
        await mdev.StopAsync(uuid);
        await mdev.DefineAsync(uuid, "matrix", new MdevDeviceConfig("vfio_ap-passthrough", AutoStart: true,
            [new("assign_adapter", "5"), new("assign_domain", "0x47")]));

        // 4. Bring every auto device of a parent back when it (re)appears (mdevctl start-parent-mdevs).
        var result = await mdev.StartParentDevicesAsync("matrix");

        // 5. What runs now, as mdevctl list --dumpjson prints it.
        string json = MdevctlJson.Devices(await mdev.ListActiveAsync());
        // --- README ends ---

        result.Started.Should().Equal(uuid);
        json.Should().Contain(uuid.ToString()).And.Contain("\"assign_domain\": \"0x47\"");
        host.Core.Sysfs.Read($"/sys/bus/mdev/devices/{uuid}/matrix").Should().Be("05.0047\n");
    }

    [Fact]
    public void AddMdevControl_Twice_OneInstanceConfiguredByBoth()
    {
        var services = new ServiceCollection().AddSingleton<ISysfs>(new DirectorySysfs("/tmp"));
        services.AddMdevControl(o => o.Root = "/first").AddMdevControl(o => o.RunCallouts = false);
        using var provider = services.BuildServiceProvider();

        services.Count(s => s.ServiceType == typeof(MdevControl)).Should().Be(1);
        provider.GetRequiredService<MdevControl>().ConfigDirectory.Should().Be("/first/etc/mdevctl.d");
        provider.GetRequiredService<MdevControl>().Should().BeSameAs(provider.GetRequiredService<MdevControl>());
    }
}
