using Mdev.Control.Internal;
using Mdev.Control.Tests.Support;
using Mdev.Core;
using Mdev.Core.Sysfs;

namespace Mdev.Control.Tests;

/// <summary><c>realpath(3)</c> done over <see cref="ISysfs"/> one <c>readlink</c> per component, as glibc does it for mdevctl.</summary>
public sealed class SysfsViewTests : IDisposable
{
    private readonly FixtureTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Canonicalize_RelativeLinksInTheMiddle_FollowedLeftToRight()
    {
        var view = new SysfsView(new DirectorySysfs(_tree.SysRoot));

        view.Canonicalize($"/sys/class/mdev_bus/{FixtureTree.Parent}/mdev_supported_types/linked")
            .Should().Be($"/sys/devices/pci0000:00/{FixtureTree.Parent}/mdev_supported_types/{FixtureTree.Type}");
        view.Canonicalize("/sys/class/../bus/./mdev").Should().Be("/sys/bus/mdev");
    }

    [Fact]
    public void Canonicalize_AbsoluteLinkBelowSys_RestartsAtTheRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_tree.SysRoot, "abs"), "/sys/bus/mdev");

        new SysfsView(new DirectorySysfs(_tree.SysRoot)).Canonicalize("/sys/abs/devices").Should().Be("/sys/bus/mdev/devices");
    }

    [Theory]
    [InlineData("/sys/class/nope/x", Errno.ENOENT)]
    [InlineData("/sys/../etc", Errno.ENOENT)]
    [InlineData("/sys/loop1", Errno.ELOOP)]
    [InlineData("/sys/outside", Errno.ENOENT)]
    public void Canonicalize_Broken_FailsWithTheErrnoOfRealpath(string path, Errno errno)
    {
        File.CreateSymbolicLink(Path.Combine(_tree.SysRoot, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_tree.SysRoot, "loop2"), "loop1");
        File.CreateSymbolicLink(Path.Combine(_tree.SysRoot, "outside"), "/etc");
        var view = new SysfsView(new DirectorySysfs(_tree.SysRoot));

        var act = () => view.Canonicalize(path);

        act.Should().Throw<MdevException>().Which.Errno.Should().Be(errno);
    }
}
