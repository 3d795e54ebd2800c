using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary><c>assign_adapter</c>: parse, range, bound queues, sharing, in use.</summary>
public sealed class ApAssignAdapterTests
{
    [Fact]
    public async Task AssignAdapter_EmptyWrite_NeverReachesTheStore()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Write(mdev, "assign_adapter", string.Empty).Should().Be(0, "sysfs_kf_write returns 0 for an empty write");

        host.Read(mdev, "matrix").Should().BeEmpty();
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("abc")]
    [InlineData("5x")]
    [InlineData("-1")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("5\n\n")]
    [InlineData("0x")]
    [InlineData("09")]
    [InlineData("0x5g")]
    public async Task AssignAdapter_NotANumber_FailsWithEinvalThenANumberWorks(string text)
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.EINVAL, mdev, "assign_adapter", text);
        host.Read(mdev, "matrix").Should().BeEmpty();

        host.Write(mdev, "assign_adapter", "5\n").Should().Be(2);
        host.Read(mdev, "matrix").Should().Be("05.\n");
    }

    [Theory]
    [InlineData("18446744073709551616")]
    [InlineData("0x10000000000000000")]
    public async Task AssignAdapter_Overflow_FailsWithErange(string text)
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.ERANGE, mdev, "assign_adapter", text);

        host.Fails(Errno.ENODEV, mdev, "assign_adapter", "18446744073709551615");
        host.Write(mdev, "assign_adapter", "5").Should().Be(1);
    }

    [Theory]
    [InlineData("256")]
    [InlineData("0x100")]
    [InlineData("0400")]
    [InlineData("18446744073709551615")]
    public async Task AssignAdapter_AboveApmMax_FailsWithEnodev(string text)
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.ENODEV, mdev, "assign_adapter", text);

        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_adapter", "255");
        host.Write(mdev, "assign_adapter", "5").Should().Be(1);
    }

    [Fact]
    public async Task AssignAdapter_WithoutApxa_LimitsIdsTo63AndDomainsTo15()
    {
        await using var host = ApHost.Create(new ApMatrixOptions { Apxa = false, Queues = ["3f.000f"] });
        var mdev = host.CreateDevice();

        host.Fails(Errno.ENODEV, mdev, "assign_adapter", "64");
        host.Fails(Errno.ENODEV, mdev, "assign_domain", "16");
        host.Fails(Errno.ENODEV, mdev, "assign_control_domain", "16");
        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_adapter", "62");

        host.Write(mdev, "assign_adapter", "63");
        host.Write(mdev, "assign_domain", "15");
        host.Write(mdev, "assign_control_domain", "15");
        host.Read(mdev, "matrix").Should().Be("3f.000f\n");
        host.Read(mdev, "control_domains").Should().Be("000f\n");
    }

    [Fact]
    public async Task AssignAdapter_NoQueueOfTheAdapterBound_FailsWithEaddrnotavail()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_adapter", "7");
        host.Read(mdev, "matrix").Should().BeEmpty();

        host.Write(mdev, "assign_adapter", "0x06");
        host.Write(mdev, "assign_adapter", "05");
        host.Write(mdev, "assign_adapter", "+6\n");
        host.Read(mdev, "matrix").Should().Be("05.\n06.\n");
    }

    [Fact]
    public async Task AssignAdapter_WithDomainsAssigned_NeedsEveryApqnBound()
    {
        await using var host = ApHost.Create(new ApMatrixOptions { Queues = ["05.0047", "05.0048", "06.0047"] });
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_domain", "0x47");
        host.Write(mdev, "assign_domain", "0x48");

        host.Fails(Errno.EADDRNOTAVAIL, mdev, "assign_adapter", "6");
        host.Read(mdev, "matrix").Should().Be(".0047\n.0048\n");

        host.Write(mdev, "assign_adapter", "5");
        host.Read(mdev, "matrix").Should().Be("05.0047\n05.0048\n");
    }

    [Fact]
    public async Task AssignAdapter_ApqnOfAnotherMdev_FailsWithEaddrinuseAndRollsTheBitBack()
    {
        await using var host = ApHost.Create();
        var first = host.CreateDevice();
        var second = host.CreateDevice();
        host.Write(first, "assign_adapter", "5");
        host.Write(first, "assign_domain", "0x47");
        host.Write(second, "assign_domain", "0x47");

        host.Fails(Errno.EADDRINUSE, second, "assign_adapter", "5");
        host.Read(second, "matrix").Should().Be(".0047\n", "the adapter bit was rolled back");

        host.Write(second, "assign_adapter", "6");
        host.Read(second, "matrix").Should().Be("06.0047\n");
        host.Read(first, "matrix").Should().Be("05.0047\n");
    }

    [Fact]
    public async Task AssignAdapter_WhileAGuestUsesTheMatrix_FailsWithEbusyBeforeParsing()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        using (host.Open(mdev))
        {
            host.Fails(Errno.EBUSY, mdev, "assign_adapter", "abc");
            host.Fails(Errno.EBUSY, mdev, "assign_adapter", "5");
        }

        host.Write(mdev, "assign_adapter", "5");
        host.Read(mdev, "matrix").Should().Be("05.\n");
    }
}
