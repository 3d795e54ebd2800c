using Mdev.Samples.VfioAp.Tests.Support;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>The <c>matrix</c> and <c>control_domains</c> formats.</summary>
public sealed class ApMatrixOutputTests
{
    [Fact]
    public async Task Matrix_Empty_IsEmpty()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();

        host.Read(mdev, "matrix").Should().BeEmpty();
        host.Read(mdev, "control_domains").Should().BeEmpty();
    }

    [Fact]
    public async Task Matrix_AdaptersOnly_PrintsTwoHexDigitsAndADot()
    {
        await using var host = ApHost.Create(new ApMatrixOptions { Queues = ["0a.0001", "ff.0001"] });
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_adapter", "255");
        host.Write(mdev, "assign_adapter", "10");

        host.Read(mdev, "matrix").Should().Be("0a.\nff.\n");
    }

    [Fact]
    public async Task Matrix_DomainsOnly_PrintsADotAndFourHexDigits()
    {
        await using var host = ApHost.Create(new ApMatrixOptions { Queues = ["01.00ab", "01.0000"] });
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_domain", "0xAB");
        host.Write(mdev, "assign_domain", "0");

        host.Read(mdev, "matrix").Should().Be(".0000\n.00ab\n");
    }

    [Fact]
    public async Task Matrix_AdaptersAndDomains_PrintsEveryApqnAdapterMajor()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_domain", "0x48");
        host.Write(mdev, "assign_adapter", "6");
        host.Write(mdev, "assign_domain", "0x47");
        host.Write(mdev, "assign_adapter", "5");

        host.Read(mdev, "matrix").Should().Be("05.0047\n05.0048\n06.0047\n06.0048\n");
    }

    [Fact]
    public async Task ControlDomains_SetBits_PrintFourHexDigitsEach()
    {
        await using var host = ApHost.Create();
        var mdev = host.CreateDevice();
        host.Write(mdev, "assign_control_domain", "0x80");
        host.Write(mdev, "assign_control_domain", "0");
        host.Write(mdev, "assign_control_domain", "0xFE");

        host.Read(mdev, "control_domains").Should().Be("0000\n0080\n00fe\n");
    }
}
