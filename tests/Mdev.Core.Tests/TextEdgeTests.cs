using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// A store's buffer is a C string: kernfs NUL-terminates what was written, so <c>kstrtoul</c> (remove),
/// <c>sysfs_streq</c> (power/control) and <c>kobject_action_type</c> (uevent) stop at a NUL. Malformed first, valid second.
/// </summary>
public sealed class TextEdgeTests
{
    private static readonly Guid Id = Guid.Parse(Host.Uuid);
    private readonly Host _host = new();

    public TextEdgeTests() => _host.Core.CreateMdevDevice(_host.T2, Id);

    /// <summary>remove_store → kstrtoul → _kstrtoull: parsing ends at the NUL, so "1\0" is 1 and "1\0junk" too.</summary>
    [Theory]
    [InlineData("1\0")]
    [InlineData("1\n\0")]
    [InlineData("1\0junk")]
    public void Remove_TrailingNulEndsTheNumber(string text)
    {
        var remove = Host.DevicePath(Host.Uuid) + "/remove";
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(remove, "\0" + "1"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(remove, "1 \0"));
        _host.Core.FindDevice(Id)!.State.Should().Be(MdevDeviceState.Active);

        _host.Sysfs.Write(remove, text).Should().Be(text.Length);
        _host.Core.FindDevice(Id).Should().BeNull();
    }

    /// <summary>control_store: sysfs_streq(buf, "on") / "auto".</summary>
    [Fact]
    public void PowerControl_SysfsStreqStopsAtNul()
    {
        var control = Host.DevicePath(Host.Uuid) + "/power/control";
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(control, "on\n\n"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(control, "o\0n"));
        _host.Sysfs.Read(control).Should().Be("auto\n");

        _host.Sysfs.Write(control, "on\0").Should().Be(3);
        _host.Sysfs.Read(control).Should().Be("on\n");
        _host.Sysfs.Write(control, "auto\n\0").Should().Be(6);
        _host.Sysfs.Read(control).Should().Be("auto\n");
    }

    /// <summary>kobject_action_type: one trailing newline or NUL is dropped before the action is matched.</summary>
    [Fact]
    public void Uevent_TrailingNulIsDropped()
    {
        var uevent = Host.DevicePath(Host.Uuid) + "/uevent";
        using var listener = _host.Core.SubscribeUevents();
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(uevent, "add\n\0"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(uevent, "add\0\0"));
        Expect.Drain(listener).Should().BeEmpty();

        _host.Sysfs.Write(uevent, "add\0").Should().Be(4);
        Expect.Drain(listener).Should().ContainSingle().Which.Action.Should().Be(UeventAction.Add);
    }

    [Theory]
    [InlineData("on", "on", true)]
    [InlineData("on\n", "on", true)]
    [InlineData("on", "on\n", true)]
    [InlineData("on\0x", "on", true)]
    [InlineData("on\n\n", "on", false)]
    [InlineData("o", "on", false)]
    [InlineData("", "", true)]
    [InlineData("\n", "", true)]
    public void SysfsStreq_IsTheKernels(string written, string expected, bool equal) =>
        KernelText.SysfsStreq(written, expected).Should().Be(equal);
}
