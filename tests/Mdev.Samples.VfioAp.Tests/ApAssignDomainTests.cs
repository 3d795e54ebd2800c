using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary><c>assign_domain</c> and <c>assign_control_domain</c>.</summary>
public sealed class ApAssignDomainTests
{
    [Theory]
    [InlineData("assign_domain")]
    [InlineData("assign_control_domain")]
    public async Task Assign_NotANumberOrAboveTheLimit_FailsWithEinvalOrEnodev(string attribute)
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.EINVAL, mdev, attribute, "domain");
        host.Fails(Errno.EINVAL, mdev, attribute, "0x47 ");
        host.Fails(Errno.ERANGE, mdev, attribute, "99999999999999999999");
        host.Fails(Errno.ENODEV, mdev, attribute, "256");

        host.Write(mdev, attribute, "71").Should().Be(2);
    }

    [Fact]
    public async Task AssignDomain_NoQueueOfTheDomainBound_FailsWithEaddrnotavail()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_domain", "0x49");
        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_domain", "255");

        host.Write(mdev, "assign_domain", "0x48");
        host.Read(mdev, "matrix").Should().Be(".0048\n");
    }

    [Fact]
    public async Task AssignDomain_WithAdaptersAssigned_NeedsEveryApqnBound()
    {
        await using var host = ApHost.Create(new ApMatrixOptions { Queues = ["05.0047", "05.0048", "06.0047"] });
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_adapter", "5");
        host.Write(mdev, "assign_adapter", "6");

        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_domain", "0x48");
        host.Read(mdev, "matrix").Should().Be("05.\n06.\n");

        host.Write(mdev, "assign_domain", "0x47");
        host.Read(mdev, "matrix").Should().Be("05.0047\n06.0047\n");
    }

    [Fact]
    public async Task AssignDomain_ApqnOfAnotherMdev_FailsWithEaddrinuseAndRollsTheBitBack()
    {
        await using var host = ApHost.Create();
        var first = host.CreateDevice();
        var second = host.CreateDevice();
        host.Write(first, "assign_adapter", "5");
        host.Write(first, "assign_domain", "0x47");
        host.Write(second, "assign_adapter", "5");

        host.Fails(Errno.EADDRINUSE, second, "assign_domain", "0x47");
        host.Read(second, "matrix").Should().Be("05.\n", "the domain bit was rolled back");

        host.Write(second, "assign_domain", "0x48");
        host.Read(second, "matrix").Should().Be("05.0048\n");
    }

    [Fact]
    public async Task AssignDomain_AfterTheOtherMdevIsRemoved_TakesItsApqn()
    {
        await using var host = ApHost.Create();
        var first = host.CreateDevice();
        var second = host.CreateDevice();
        host.Write(first, "assign_adapter", "5");
        host.Write(first, "assign_domain", "0x47");
        host.Write(second, "assign_adapter", "5");
        host.Fails(Errno.EADDRINUSE, second, "assign_domain", "0x47");

        await host.Core.RemoveMdevDeviceAsync(first.Uuid);

        host.Write(second, "assign_domain", "0x47");
        host.Read(second, "matrix").Should().Be("05.0047\n");
    }

    [Fact]
    public async Task AssignControlDomain_AnyIdInRange_NeedsNoQueueAndShowsSorted()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();
        var other = host.CreateDevice();

        host.Write(mdev, "assign_control_domain", "0xff");
        host.Write(mdev, "assign_control_domain", "1");
        host.Write(mdev, "assign_control_domain", "0x99");
        host.Write(other, "assign_control_domain", "0x99");

        host.Read(mdev, "control_domains").Should().Be("0001\n0099\n00ff\n");
        host.Read(other, "control_domains").Should().Be("0099\n", "control domains may be shared");
        host.Read(mdev, "matrix").Should().BeEmpty("control domains are not in the matrix file");
    }

    [Theory]
    [InlineData("assign_domain", "0x47")]
    [InlineData("assign_control_domain", "1")]
    [InlineData("unassign_domain", "0x47")]
    [InlineData("unassign_control_domain", "1")]
    [InlineData("unassign_adapter", "5")]
    public async Task Store_WhileAGuestUsesTheMatrix_FailsWithEbusy(string attribute, string text)
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        using (host.Open(mdev))
        {
            host.Fails(Errno.EBUSY, mdev, attribute, text);
        }

        host.Write(mdev, attribute, text).Should().Be(text.Length);
    }
}
