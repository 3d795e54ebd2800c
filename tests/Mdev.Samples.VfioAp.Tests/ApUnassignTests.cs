using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>The three unassign attributes: parse, range, then the bit is cleared.</summary>
public sealed class ApUnassignTests
{
    [Theory]
    [InlineData("unassign_adapter")]
    [InlineData("unassign_domain")]
    [InlineData("unassign_control_domain")]
    public async Task Unassign_NotANumberOrAboveTheLimit_FailsAndChangesNothing(string attribute)
    {
        await using var host = ApHost.Create();
        var mdev = Full(host);

        host.Fails(Errno.EINVAL, mdev, attribute, "x");
        host.Fails(Errno.ERANGE, mdev, attribute, "0x1ffffffffffffffff");
        host.Fails(Errno.ENODEV, mdev, attribute, "256");

        host.Read(mdev, "matrix").Should().Be("05.0047\n05.0048\n06.0047\n06.0048\n");
        host.Read(mdev, "control_domains").Should().Be("0047\n");
    }

    [Fact]
    public async Task Unassign_EachKind_ClearsItsBitOnly()
    {
        await using var host = ApHost.Create();
        var mdev = Full(host);

        host.Write(mdev, "unassign_adapter", "6").Should().Be(1);
        host.Read(mdev, "matrix").Should().Be("05.0047\n05.0048\n");
        host.Write(mdev, "unassign_domain", "0x47").Should().Be(4);
        host.Read(mdev, "matrix").Should().Be("05.0048\n");
        host.Write(mdev, "unassign_control_domain", "71\n").Should().Be(3);
        host.Read(mdev, "control_domains").Should().BeEmpty();
        host.Write(mdev, "unassign_adapter", "200").Should().Be(3, "an id not assigned is simply cleared");
        host.Write(mdev, "unassign_domain", "0x48");
        host.Read(mdev, "matrix").Should().Be("05.\n");
    }

    private static MdevDevice Full(Testing.MdevTestHost host)
    {
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_adapter", "5");
        host.Write(mdev, "assign_adapter", "6");
        host.Write(mdev, "assign_domain", "0x47");
        host.Write(mdev, "assign_domain", "0x48");
        host.Write(mdev, "assign_control_domain", "0x47");
        return mdev;
    }
}
