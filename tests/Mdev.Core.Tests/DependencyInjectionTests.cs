using Mdev.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

    [Fact]
    public void AddMdevCore_BadOptions_FailAtFirstResolve_NamingEveryBadValue()
    {
        var services = new ServiceCollection();
        services.AddMdevCore(o =>
        {
            o.RequestInterval = TimeSpan.Zero;
            o.RemoveDuration = TimeSpan.FromSeconds(-1);
            o.UeventBufferCapacity = 0;
        });
        using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<MdevCore>();

        var e = resolve.Should().Throw<OptionsValidationException>().Which;
        e.Failures.Should().HaveCount(3);
        e.Message.Should().Contain("RequestInterval").And.Contain("RemoveDuration").And.Contain("UeventBufferCapacity");
    }

    [Fact]
    public void AddMdevCore_OptionsThroughTheOptionsPattern_ConfigureOfTheOptionsTypeReachesTheCore()
    {
        var services = new ServiceCollection();
        services.AddMdevCore();
        services.Configure<MdevCoreOptions>(o => o.RemovePolicy = RemovePolicy.Legacy2016);
        using var provider = services.BuildServiceProvider();

        var core = provider.GetRequiredService<MdevCore>();

        core.Options.Should().BeSameAs(provider.GetRequiredService<IOptions<MdevCoreOptions>>().Value);
        core.Options.RemovePolicy.Should().Be(RemovePolicy.Legacy2016);
    }

    [Fact]
    public void AddKeyedMdevCore_TwoHostsAndTheUnkeyedOne_EachWithItsOwnOptionsDriversAndParents()
    {
        var services = new ServiceCollection();
        services.AddKeyedMdevCore("a", o => o.RequestInterval = TimeSpan.FromSeconds(1))
            .AddBusDriver(_ => new TestDriver())
            .AddParent(Host.ParentPath, _ => new TestVendor(), deviceClass: "mtty");
        services.AddKeyedMdevCore("b", o => o.RequestInterval = TimeSpan.FromSeconds(2));
        services.AddKeyedMdevCore("a"); // idempotent per key
        services.AddMdevCore();
        services.Count(d => d.ServiceType == typeof(MdevCore)).Should().Be(3);
        using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<MdevCore>("a");
        var b = provider.GetRequiredKeyedService<MdevCore>("b");
        var unkeyed = provider.GetRequiredService<MdevCore>();

        new[] { a, b, unkeyed }.Should().OnlyHaveUniqueItems();
        provider.GetRequiredKeyedService<MdevCore>("a").Should().BeSameAs(a);
        a.Options.RequestInterval.Should().Be(TimeSpan.FromSeconds(1));
        b.Options.RequestInterval.Should().Be(TimeSpan.FromSeconds(2));
        unkeyed.Options.RequestInterval.Should().Be(TimeSpan.FromSeconds(10));
        a.Parents.Select(p => p.Device.Name).Should().Equal("mtty");
        b.Parents.Should().BeEmpty();
        unkeyed.Parents.Should().BeEmpty();
        a.Sysfs.Write(Host.Type1 + "/create", Host.Uuid);
        a.FindDevice(Guid.Parse(Host.Uuid))!.Driver!.Name.Should().Be("mtty");
    }

    [Fact]
    public void AddKeyedMdevCore_EmptyKey_Throws()
    {
        var add = () => new ServiceCollection().AddKeyedMdevCore("");

        add.Should().Throw<ArgumentException>();
    }
}
