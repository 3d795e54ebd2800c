using Mdev.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Core.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddMdevCore_IsIdempotent_AndAppliesDriversThenParents()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMdevCore(o => o.RemovePolicy = RemovePolicy.Legacy2016)
            .AddParent(Host.ParentPath, _ => new TestVendor(), deviceClass: "mtty")
            .AddBusDriver(_ => new TestDriver());
        services.AddMdevCore(o => o.RequestInterval = TimeSpan.FromSeconds(3));
        services.Count(d => d.ServiceType == typeof(MdevCore)).Should().Be(1);

        using var provider = services.BuildServiceProvider();
        var core = provider.GetRequiredService<MdevCore>();
        provider.GetRequiredService<MdevCore>().Should().BeSameAs(core);
        core.Options.RemovePolicy.Should().Be(RemovePolicy.Legacy2016);
        core.Options.RequestInterval.Should().Be(TimeSpan.FromSeconds(3));
        core.Options.TimeProvider.Should().BeSameAs(time);
        core.Parents.Select(p => p.Device.Name).Should().Equal("mtty");
        core.Sysfs.Write(Host.Type1 + "/create", Host.Uuid);
        core.FindDevice(Guid.Parse(Host.Uuid))!.Driver!.Name.Should().Be("mtty");
    }

    [Fact]
    public void PlainConstructor_RejectsNonPositiveRequestInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MdevCore(new MdevCoreOptions { RequestInterval = TimeSpan.Zero }));
    }
}
